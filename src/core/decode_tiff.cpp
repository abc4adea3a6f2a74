// TIFF through libtiff, from memory: every page of a stack; 1- to 16-bit and float samples, grey,
// RGB, palette, with or without alpha, in strips or tiles, contiguous or planar, any compression
// the linked libtiff has (none, LZW, Deflate and PackBits at least); other photometric
// interpretations (YCbCr, CMYK, CIELab) through libtiff's 8-bit RGBA interface. Classic and BigTIFF.
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>

#include "error.h"
#include "image_decoders.h"

namespace stratum::detail {
namespace {

// What libtiff may allocate at once (strip and tile buffers, offset tables).
constexpr tmsize_t kMaxSingleAllocation = tmsize_t(1) << 30;

struct MemoryFile {
    const std::uint8_t* data = nullptr;
    std::uint64_t size = 0;
    std::uint64_t position = 0;
    char error[512] = {};
};

tmsize_t read_proc(thandle_t handle, void* buffer, tmsize_t n) {
    auto* f = static_cast<MemoryFile*>(handle);
    if (n <= 0 || f->position >= f->size) return 0;
    const std::uint64_t k = std::min<std::uint64_t>(static_cast<std::uint64_t>(n), f->size - f->position);
    std::memcpy(buffer, f->data + f->position, k);
    f->position += k;
    return static_cast<tmsize_t>(k);
}
tmsize_t write_proc(thandle_t, void*, tmsize_t) { return -1; }
toff_t seek_proc(thandle_t handle, toff_t offset, int whence) {
    auto* f = static_cast<MemoryFile*>(handle);
    const std::uint64_t base = whence == SEEK_CUR ? f->position : whence == SEEK_END ? f->size : 0;
    if (offset > UINT64_MAX - base) return static_cast<toff_t>(-1);
    f->position = base + offset;
    return f->position;
}
int close_proc(thandle_t) { return 0; }
toff_t size_proc(thandle_t handle) { return static_cast<MemoryFile*>(handle)->size; }
int map_proc(thandle_t handle, void** base, toff_t* size) {
    auto* f = static_cast<MemoryFile*>(handle);
    *base = const_cast<std::uint8_t*>(f->data);
    *size = f->size;
    return 1;
}
void unmap_proc(thandle_t, void*, toff_t) {}

int on_error(TIFF*, void* user, const char* module, const char* format, va_list args) {
    auto* f = static_cast<MemoryFile*>(user);
    if (f->error[0] == 0) {  // the first error is the cause; later ones follow from it
        char text[400];
        std::vsnprintf(text, sizeof text, format, args);
        std::snprintf(f->error, sizeof f->error, "%s%s%s", module ? module : "", module ? ": " : "", text);
    }
    return 1;
}
int on_warning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

// One open TIFF over bytes in memory; closed when it goes out of scope.
class Tiff {
public:
    Tiff(const std::uint8_t* data, std::size_t size) {
        file_.data = data;
        file_.size = size;
        std::unique_ptr<TIFFOpenOptions, void (*)(TIFFOpenOptions*)> options(TIFFOpenOptionsAlloc(), TIFFOpenOptionsFree);
        if (!options) throw Error("TIFF decoder could not start (out of memory)");
        TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), kMaxSingleAllocation);
        TIFFOpenOptionsSetErrorHandlerExtR(options.get(), on_error, &file_);
        TIFFOpenOptionsSetWarningHandlerExtR(options.get(), on_warning, &file_);
        tif_ = TIFFClientOpenExt("image", "r", &file_, read_proc, write_proc, seek_proc, close_proc, size_proc,
                                 map_proc, unmap_proc, options.get());
        if (tif_ == nullptr) fail("header is unreadable");
    }
    ~Tiff() {
        if (tif_ != nullptr) TIFFClose(tif_);
    }
    Tiff(const Tiff&) = delete;
    Tiff& operator=(const Tiff&) = delete;
    TIFF* get() const { return tif_; }
    // Throws "TIFF WHAT: libtiff's first error".
    [[noreturn]] void fail(const std::string& what) const {
        throw Error("TIFF " + what + (file_.error[0] ? std::string(": ") + file_.error : std::string()));
    }
    void clear_error() { file_.error[0] = 0; }
    bool has_error() const { return file_.error[0] != 0; }

private:
    MemoryFile file_;
    TIFF* tif_ = nullptr;
};

bool reduced_resolution(TIFF* tif) {
    std::uint32_t kind = 0;
    return TIFFGetField(tif, TIFFTAG_SUBFILETYPE, &kind) && (kind & FILETYPE_REDUCEDIMAGE);
}

struct PageSize {
    std::uint32_t width = 0, height = 0;
};
PageSize size_of(const Tiff& t, const std::string& page) {
    PageSize s;
    if (!TIFFGetField(t.get(), TIFFTAG_IMAGEWIDTH, &s.width) || !TIFFGetField(t.get(), TIFFTAG_IMAGELENGTH, &s.height))
        t.fail(page + " has no image width or length");
    return s;
}

// A page that would decode to more than 64 MiB from data more than 512 times smaller: Deflate's
// ceiling is about 1032:1, reached only by constant data, which no camera writes; such a file is a
// decompression bomb, refused before its pixels are inflated.
constexpr std::uint64_t kBombBytes = 64ull << 20;
constexpr std::uint64_t kBombRatio = 512;
void check_expansion(const Tiff& t, const std::string& page, const PageSize& s) {
    std::uint16_t samples = 1, bits = 1;
    TIFFGetFieldDefaulted(t.get(), TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(t.get(), TIFFTAG_BITSPERSAMPLE, &bits);
    const std::uint64_t decoded = std::uint64_t(s.width) * s.height * samples * std::max<std::uint16_t>(bits, 8) / 8;
    if (decoded <= kBombBytes) return;
    const bool tiled = TIFFIsTiled(t.get());
    std::uint64_t* counts = nullptr;
    if (!TIFFGetField(t.get(), tiled ? TIFFTAG_TILEBYTECOUNTS : TIFFTAG_STRIPBYTECOUNTS, &counts) || counts == nullptr) return;
    const std::uint32_t chunks = tiled ? TIFFNumberOfTiles(t.get()) : TIFFNumberOfStrips(t.get());
    std::uint64_t stored = 0;
    for (std::uint32_t i = 0; i < chunks; ++i) stored += counts[i];
    if (decoded > kBombRatio * std::max<std::uint64_t>(stored, 1))
        throw Error("TIFF " + page + " would expand " + std::to_string(stored) + " bytes of data to " +
                    std::to_string(decoded) + " bytes (more than " + std::to_string(kBombRatio) +
                    " times): refused as a decompression bomb");
}

// Walks every directory once: counts full-resolution pages and checks the limits before any pixel
// is read. Calls `each(page_index)` with the directory current. Throws beyond a limit or when the
// chain of directories is broken (libtiff detects loops).
template <typename Each>
int walk_pages(Tiff& t, const DecodeLimits& limits, Each&& each) {
    std::uint64_t pages = 0, total = 0;
    for (int directory = 0;; ++directory) {
        if (!reduced_resolution(t.get())) {
            const std::string name = "page " + std::to_string(pages + 1);
            const PageSize s = size_of(t, name);
            const std::uint64_t n = std::uint64_t(s.width) * s.height;
            if (s.width == 0 || s.height == 0)
                throw Error("TIFF " + name + " declares an empty image (" + std::to_string(s.width) + "x" +
                            std::to_string(s.height) + ")");
            if (n > limits.max_pixels)
                throw Error("TIFF " + name + " is " + std::to_string(s.width) + "x" + std::to_string(s.height) + " (" +
                            std::to_string(n) + " pixels), over the limit of " + std::to_string(limits.max_pixels) +
                            " pixels");
            if (++pages > limits.max_pages)
                throw Error("TIFF has more than " + std::to_string(limits.max_pages) + " pages, over the limit");
            check_expansion(t, name, s);
            total += n;
            if (total > limits.max_total_pixels)
                throw Error("TIFF pages hold more than " + std::to_string(limits.max_total_pixels) +
                            " pixels together, over the limit");
            each(static_cast<int>(pages - 1));
        }
        t.clear_error();
        if (!TIFFReadDirectory(t.get())) {
            // The chain ends where a directory says nothing follows; stopping anywhere else means a
            // directory that cannot be read or one that points back up the chain (libtiff stops loops).
            if (t.has_error() || !TIFFLastDirectory(t.get()))
                t.fail("directory " + std::to_string(directory + 2) +
                       " is unreadable, or the directories point back to an earlier one (a loop)");
            break;
        }
    }
    if (pages == 0) throw Error("TIFF holds only reduced-resolution images (thumbnails), no page to score");
    return static_cast<int>(pages);
}

std::uint32_t fetch_bits(const std::uint8_t* row, std::size_t index, int bits) {
    if (bits == 8) return row[index];
    if (bits == 16) {
        std::uint16_t v;
        std::memcpy(&v, row + index * 2, 2);  // libtiff has swapped it to the machine's order
        return v;
    }
    std::size_t bit = index * static_cast<std::size_t>(bits);
    std::uint32_t v = 0;
    for (int k = 0; k < bits; ++k, ++bit) v = (v << 1) | ((row[bit >> 3] >> (7 - (bit & 7))) & 1u);
    return v;
}

double fetch_float(const std::uint8_t* row, std::size_t index, int bits) {
    if (bits == 32) {
        float v;
        std::memcpy(&v, row + index * 4, 4);
        return v;
    }
    double v;
    std::memcpy(&v, row + index * 8, 8);
    return v;
}

struct Layout {
    std::uint32_t width = 0, height = 0;
    int samples = 1;  // samples per pixel in the file
    int bits = 1;
    int format = SAMPLEFORMAT_UINT;
    int photometric = PHOTOMETRIC_MINISBLACK;
    bool planar = false;
    int base = 1;    // colour samples: 1 grey or palette, 3 RGB
    int alpha = -1;  // file sample holding alpha, -1 when none
    bool premultiplied = false;
};

// Pixels of grey, RGB and palette pages, read strip by strip or tile by tile.
StoredImage read_raw(Tiff& t, const Layout& l, const std::string& page) {
    TIFF* tif = t.get();
    StoredImage out;
    Image& image = out.image;
    image.width = static_cast<int>(l.width);
    image.height = static_cast<int>(l.height);
    const bool palette = l.photometric == PHOTOMETRIC_PALETTE;
    const int colour = palette ? 3 : l.base;
    image.channels = colour + (l.alpha >= 0 ? 1 : 0);
    const bool is_float = l.format == SAMPLEFORMAT_IEEEFP;
    image.type = is_float ? SampleType::Float32 : (l.bits <= 8 || palette) ? SampleType::UInt8 : SampleType::UInt16;
    const std::size_t count = static_cast<std::size_t>(l.width) * l.height * image.channels;
    if (image.type == SampleType::UInt8) image.pixels.resize(count);
    else if (image.type == SampleType::UInt16) image.samples16.resize(count);
    else image.samplesf.resize(count);
    if (!is_float && l.bits > 8 && l.bits < 16) image.significant_bits = l.bits;

    const std::uint32_t max_value = l.bits >= 32 ? 0xFFFFFFFFu : (1u << l.bits) - 1u;
    std::uint16_t *red = nullptr, *green = nullptr, *blue = nullptr;
    bool map16 = false;
    if (palette) {
        if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &red, &green, &blue)) t.fail(page + " is a palette image without a colour map");
        for (std::uint32_t i = 0; i <= max_value; ++i)
            if (red[i] > 255 || green[i] > 255 || blue[i] > 255) map16 = true;  // else old 8-bit maps (as libtiff guesses)
    }
    const bool white_is_zero = l.photometric == PHOTOMETRIC_MINISWHITE;

    // Stores file sample `s` of pixel (x, y).
    auto put = [&](std::uint32_t x, std::uint32_t y, int s, const std::uint8_t* row, std::size_t index) {
        int channel = s < l.base ? s : s == l.alpha ? colour : -1;
        if (channel < 0) return;
        const std::size_t at = (static_cast<std::size_t>(y) * l.width + x) * image.channels;
        if (is_float) {
            double v = fetch_float(row, index, l.bits);
            if (white_is_zero && channel < colour) v = 1.0 - v;
            image.samplesf[at + channel] = static_cast<float>(v);
            return;
        }
        std::uint32_t v = fetch_bits(row, index, l.bits);
        if (palette && channel == 0) {
            auto level = [&](std::uint16_t m) { return static_cast<std::uint8_t>(map16 ? (m * 255u + 32767u) / 65535u : m); };
            image.pixels[at] = level(red[v]);
            image.pixels[at + 1] = level(green[v]);
            image.pixels[at + 2] = level(blue[v]);
            return;
        }
        if (white_is_zero && channel < colour) v = max_value - v;
        if (image.type == SampleType::UInt8)
            image.pixels[at + channel] = static_cast<std::uint8_t>(l.bits == 8 ? v : (v * 255u + max_value / 2) / max_value);
        else
            image.samples16[at + channel] = static_cast<std::uint16_t>(v);
    };

    const int planes = l.planar ? l.samples : 1;
    const int per_chunk = l.planar ? 1 : l.samples;
    const tmsize_t chunk_size = TIFFIsTiled(tif) ? TIFFTileSize(tif) : TIFFStripSize(tif);
    if (chunk_size <= 0) t.fail(page + " has an unreadable strip or tile size");
    // A strip or tile far larger than the page itself is a crafted file, not a layout choice.
    const double page_bytes = double(l.width) * l.height * l.samples * std::max(l.bits, 8) / 8.0;
    if (double(chunk_size) > 4.0 * page_bytes + (1 << 20))
        throw Error("TIFF " + page + " declares strips or tiles of " + std::to_string(chunk_size) +
                    " bytes, out of proportion to its " + std::to_string(l.width) + "x" + std::to_string(l.height) +
                    " pixels");
    std::vector<std::uint8_t> chunk(static_cast<std::size_t>(chunk_size));

    std::uint32_t tile_w = l.width, tile_h = 0;
    if (TIFFIsTiled(tif)) {
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tile_w);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &tile_h);
    } else {
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &tile_h);
        tile_h = std::min(std::max<std::uint32_t>(tile_h, 1), l.height);
    }
    if (tile_w == 0 || tile_h == 0) t.fail(page + " has tiles of zero size");
    const std::size_t row_bytes = (static_cast<std::size_t>(tile_w) * per_chunk * l.bits + 7) / 8;
    for (int plane = 0; plane < planes; ++plane)
        for (std::uint32_t y0 = 0; y0 < l.height; y0 += tile_h)
            for (std::uint32_t x0 = 0; x0 < l.width; x0 += tile_w) {
                t.clear_error();
                const std::uint32_t rows = std::min(tile_h, l.height - y0);
                tmsize_t got;
                if (TIFFIsTiled(tif))
                    got = TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x0, y0, 0, static_cast<std::uint16_t>(plane)),
                                              chunk.data(), chunk_size);
                else
                    got = TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y0, static_cast<std::uint16_t>(plane)),
                                               chunk.data(), chunk_size);
                const std::size_t needed = row_bytes * (TIFFIsTiled(tif) ? tile_h : rows);
                if (got < 0 || static_cast<std::size_t>(got) < needed)
                    t.fail(page + ": the " + std::string(TIFFIsTiled(tif) ? "tile" : "strip") + " at row " +
                           std::to_string(y0) + " is truncated or unreadable");
                const std::uint32_t cols = std::min(tile_w, l.width - x0);
                for (std::uint32_t r = 0; r < rows; ++r) {
                    const std::uint8_t* row = chunk.data() + r * row_bytes;
                    for (std::uint32_t c = 0; c < cols; ++c)
                        for (int s = 0; s < per_chunk; ++s)
                            put(x0 + c, y0 + r, l.planar ? plane : s, row, static_cast<std::size_t>(c) * per_chunk + s);
                }
            }
    return out;
}

// Pages of other photometric interpretations, through libtiff's RGBA interface (8-bit, upright).
StoredImage read_rgba(Tiff& t, const Layout& l, const std::string& page) {
    char reason[1024] = {};
    if (!TIFFRGBAImageOK(t.get(), reason))
        throw Error("TIFF " + page + " cannot be decoded here: " + std::string(reason));
    std::vector<std::uint32_t> raster(static_cast<std::size_t>(l.width) * l.height);
    t.clear_error();
    if (!TIFFReadRGBAImageOriented(t.get(), l.width, l.height, raster.data(), ORIENTATION_TOPLEFT, 0))
        t.fail(page + " could not be decoded");
    StoredImage out;
    Image& image = out.image;
    image.width = static_cast<int>(l.width);
    image.height = static_cast<int>(l.height);
    image.channels = 4;
    image.pixels.resize(raster.size() * 4);
    for (std::size_t i = 0; i < raster.size(); ++i) {
        image.pixels[i * 4] = static_cast<std::uint8_t>(TIFFGetR(raster[i]));
        image.pixels[i * 4 + 1] = static_cast<std::uint8_t>(TIFFGetG(raster[i]));
        image.pixels[i * 4 + 2] = static_cast<std::uint8_t>(TIFFGetB(raster[i]));
        image.pixels[i * 4 + 3] = static_cast<std::uint8_t>(TIFFGetA(raster[i]));
    }
    out.premultiplied = true;  // libtiff's raster holds associated alpha
    image.notes.push_back("converted to 8-bit RGB by libtiff (photometric interpretation " +
                          std::to_string(l.photometric) + ")");
    return out;
}

StoredImage read_page(Tiff& t, const std::string& page) {
    TIFF* tif = t.get();
    Layout l;
    const PageSize s = size_of(t, page);
    l.width = s.width;
    l.height = s.height;
    std::uint16_t u16 = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &u16);
    l.samples = u16;
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &u16);
    l.bits = u16;
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &u16);
    l.format = u16;
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &u16);
    l.planar = u16 == PLANARCONFIG_SEPARATE;
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &u16)) u16 = l.samples >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    l.photometric = u16;
    std::uint16_t compression = COMPRESSION_NONE;
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
    if (!TIFFIsCODECConfigured(compression)) {
        const TIFFCodec* codec = TIFFFindCODEC(compression);
        throw Error("TIFF " + page + " uses compression " + (codec ? std::string(codec->name) : std::to_string(compression)) +
                    ", which this build does not decode (none, LZW, Deflate, PackBits and JPEG are supported)");
    }
    if (l.samples < 1) t.fail(page + " has no samples per pixel");

    StoredImage out;
    const bool raw_photometric = l.photometric == PHOTOMETRIC_MINISBLACK || l.photometric == PHOTOMETRIC_MINISWHITE ||
                                 l.photometric == PHOTOMETRIC_RGB || l.photometric == PHOTOMETRIC_PALETTE;
    const bool raw_samples = (l.format == SAMPLEFORMAT_UINT && l.bits >= 1 && l.bits <= 16) ||
                             (l.format == SAMPLEFORMAT_IEEEFP && (l.bits == 32 || l.bits == 64) &&
                              l.photometric != PHOTOMETRIC_PALETTE);
    if (raw_photometric && raw_samples) {
        l.base = l.photometric == PHOTOMETRIC_RGB ? 3 : 1;
        if (l.samples < l.base)
            t.fail(page + " is RGB with " + std::to_string(l.samples) + " samples per pixel");
        std::uint16_t extra_count = 0;
        std::uint16_t* extra = nullptr;
        if (l.samples > l.base && TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra) && extra_count > 0 &&
            (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA)) {
            l.alpha = l.base;
            l.premultiplied = extra[0] == EXTRASAMPLE_ASSOCALPHA;
        }
        out = read_raw(t, l, page);
        out.premultiplied = l.premultiplied;
        const int ignored = l.samples - l.base - (l.alpha >= 0 ? 1 : 0);
        if (ignored > 0)
            out.image.notes.push_back(std::to_string(ignored) + " extra sample" + (ignored > 1 ? "s" : "") +
                                      " per pixel ignored");
        std::uint16_t orientation = ORIENTATION_TOPLEFT;
        TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orientation);
        out.orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
        double lo = 0, hi = 0;
        if (TIFFGetField(tif, TIFFTAG_SMINSAMPLEVALUE, &lo) && TIFFGetField(tif, TIFFTAG_SMAXSAMPLEVALUE, &hi) && hi > lo) {
            out.image.has_stated_range = true;
            out.image.stated_min = lo;
            out.image.stated_max = hi;
        }
    } else {
        if (l.format == SAMPLEFORMAT_IEEEFP || (l.format == SAMPLEFORMAT_UINT && l.bits > 16) || l.format == SAMPLEFORMAT_INT)
            throw Error("TIFF " + page + " has " + std::to_string(l.bits) + "-bit " +
                        (l.format == SAMPLEFORMAT_IEEEFP ? "float" : l.format == SAMPLEFORMAT_INT ? "signed" : "unsigned") +
                        " samples in photometric interpretation " + std::to_string(l.photometric) +
                        ", which is not supported (1-16-bit unsigned or 32/64-bit float grey, RGB or palette are)");
        out = read_rgba(t, l, page);
    }
    return out;
}

}  // namespace

ImageHeader tiff_header(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits) {
    Tiff t(data, size);
    ImageHeader h;
    h.format = "TIFF";
    h.pages = walk_pages(t, limits, [&](int index) {
        if (index != 0) return;
        const PageSize s = size_of(t, "page 1");
        h.width = static_cast<int>(s.width);
        h.height = static_cast<int>(s.height);
        std::uint16_t v = 0;
        TIFFGetFieldDefaulted(t.get(), TIFFTAG_SAMPLESPERPIXEL, &v);
        h.channels_in_file = v;
        TIFFGetFieldDefaulted(t.get(), TIFFTAG_BITSPERSAMPLE, &v);
        h.bits_per_sample = v;
    });
    return h;
}

void decode_tiff(const std::uint8_t* data, std::size_t size, int count, const DecodeLimits& limits,
                 const std::function<void(StoredImage&&, int index, int count)>& page) {
    Tiff t(data, size);
    walk_pages(t, limits, [&](int index) {
        const std::string name = count > 1 ? "page " + std::to_string(index + 1) + "/" + std::to_string(count) : "image";
        page(read_page(t, name), index, count);
    });
}

}  // namespace stratum::detail
