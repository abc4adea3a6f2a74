#include "image.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "error.h"

// stb_image from Debian's libstb-dev; compiled here so the native and the wasm build share one decoder.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#define STBI_NO_PSD
#define STBI_NO_PIC
#define STBI_NO_PNM
#define STBI_FAILURE_USERMSG
#if defined(__EMSCRIPTEN__) && defined(__SSE2__)
// Emscripten maps SSE2 intrinsics onto wasm SIMD, but stb only enables its SSE2 JPEG kernels on x86
// targets. Claiming one gives the page the kernels the native build uses (decodes about twice as fast,
// and the same pixels as the command line).
#define STBI__X86_TARGET
#endif
#include <stb_image.h>

namespace stratum {
namespace {

bool starts_with(const std::uint8_t* data, std::size_t size, const char* magic, std::size_t n) {
    return size >= n && std::memcmp(data, magic, n) == 0;
}

const char* reason() {
    const char* r = stbi_failure_reason();
    return r ? r : "unknown reason";
}

// stb pads a cut-off JPEG with zeros and returns a half-grey image; a missing end-of-image marker
// (FF D9, possibly followed by padding) tells us the file was truncated.
bool jpeg_has_end_marker(const std::uint8_t* data, std::size_t size) {
    const std::size_t window = size < 4096 ? size : 4096;
    for (std::size_t i = size - 1; i + window >= size && i >= 1; --i)
        if (data[i - 1] == 0xFF && data[i] == 0xD9) return true;
    return false;
}

std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t(p[0]) << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
std::uint32_t le16(const std::uint8_t* p) { return (std::uint32_t(p[1]) << 8) | p[0]; }
std::uint32_t le32(const std::uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }

// stb_image (Debian's 2.27) writes past its Huffman size table when a DHT segment declares more than
// 256 codes (found by fuzz/decode_fuzz under UBSan). We walk the JPEG's segments ourselves, entropy-
// coded data included (progressive files define tables between scans), and refuse such a table before
// stb sees it. Anything else malformed is left to stb.
bool jpeg_huffman_tables_valid(const std::uint8_t* d, std::size_t n) {
    std::size_t i = 2;  // after SOI
    while (i + 4 <= n) {
        if (d[i] != 0xFF) {  // entropy-coded data: skip to the next marker (not a stuffed 0 or a restart)
            ++i;
            continue;
        }
        const std::uint8_t marker = d[i + 1];
        if (marker == 0x00 || marker == 0xFF || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            ++i;
            continue;
        }
        if (marker == 0xD9) return true;  // EOI
        const std::size_t length = be16(d + i + 2);
        if (length < 2) return true;  // stb reports it
        if (marker == 0xC4) {
            // As stb reads it: tables follow one another while the declared length lasts, and a
            // table's 16 counts are read even when the length (or the file) ends inside them.
            long remaining = static_cast<long>(length) - 2;
            for (std::size_t t = i + 4; remaining > 0 && t + 1 < n;) {
                std::size_t codes = 0;  // past the end of the file stb reads zeros
                for (std::size_t k = t + 1; k < t + 17 && k < n; ++k) codes += d[k];
                if (codes > 256) return false;
                t += 17 + codes;
                remaining -= static_cast<long>(17 + codes);
            }
        }
        i += 2 + length;
    }
    return true;
}

// The dimensions a header declares, read without stb: stb refuses to even describe an image whose
// pixels would exceed 1 GiB, and then tries other formats, losing the reason. Reading the size
// ourselves lets us say "too many pixels" instead of "corrupt". Returns false when not found.
bool declared_size(const std::string& format, const std::uint8_t* d, std::size_t n, std::uint64_t& w,
                   std::uint64_t& h) {
    if (format == "PNG" && n >= 24 && std::memcmp(d + 12, "IHDR", 4) == 0) {
        w = be32(d + 16);
        h = be32(d + 20);
        return true;
    }
    if (format == "GIF" && n >= 10) {
        w = le16(d + 6);
        h = le16(d + 8);
        return true;
    }
    if (format == "BMP" && n >= 26) {
        w = le32(d + 18);
        const std::int32_t signed_h = static_cast<std::int32_t>(le32(d + 22));  // negative: top-down rows
        h = static_cast<std::uint64_t>(signed_h < 0 ? -static_cast<std::int64_t>(signed_h) : signed_h);
        return true;
    }
    if (format == "JPEG") {
        // Walk the marker segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
        std::size_t i = 2;
        while (i + 9 < n && d[i] == 0xFF) {
            const std::uint8_t marker = d[i + 1];
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                h = be16(d + i + 5);
                w = be16(d + i + 7);
                return true;
            }
            i += 2 + be16(d + i + 2);
        }
    }
    return false;
}

int checked_size(std::size_t size) {
    if (size > static_cast<std::size_t>(INT32_MAX)) throw Error("file is larger than 2 GiB");
    return static_cast<int>(size);
}

// stb's own refusal point (bytes of an 8-bit image over 2^30); smaller images fail for other reasons.
constexpr std::uint64_t kStbPixelCeiling = (1ull << 30) / 4;

// The EXIF orientation tag (0x0112) of a JPEG's APP1 segment: 1 (as stored) to 8; 1 when absent or
// malformed. Bounds are checked at every read: the bytes are untrusted.
int jpeg_exif_orientation(const std::uint8_t* d, std::size_t n) {
    std::size_t i = 2;
    while (i + 4 <= n && d[i] == 0xFF) {
        const std::uint8_t marker = d[i + 1];
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) break;  // image data: no more headers
        const std::size_t length = be16(d + i + 2);
        if (length < 2 || i + 2 + length > n) break;
        const std::uint8_t* segment = d + i + 4;
        const std::size_t size = length - 2;
        if (marker == 0xE1 && size >= 14 && std::memcmp(segment, "Exif\0\0", 6) == 0) {
            const std::uint8_t* tiff = segment + 6;
            const std::size_t tiff_size = size - 6;
            const bool little = tiff[0] == 'I' && tiff[1] == 'I';
            if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
            auto u16 = [&](std::size_t at) { return little ? le16(tiff + at) : be16(tiff + at); };
            auto u32 = [&](std::size_t at) { return little ? le32(tiff + at) : be32(tiff + at); };
            if (u16(2) != 42) return 1;
            const std::size_t ifd = u32(4);
            if (ifd + 2 > tiff_size) return 1;
            const std::size_t entries = u16(ifd);
            for (std::size_t e = 0; e < entries && ifd + 2 + (e + 1) * 12 <= tiff_size; ++e) {
                const std::size_t entry = ifd + 2 + e * 12;
                if (u16(entry) == 0x0112 && u16(entry + 2) == 3) {  // orientation, SHORT
                    const std::uint32_t value = u16(entry + 8);
                    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
                }
            }
            return 1;
        }
        i += 2 + length;
    }
    return 1;
}

// Turns stored pixels upright as EXIF orientation `o` says (as browsers show the photo).
Image apply_orientation(const Image& in, int o) {
    if (o <= 1 || o > 8) return in;
    const int w = in.width, h = in.height, c = in.channels;
    const bool swaps = o >= 5;
    Image out;
    out.width = swaps ? h : w;
    out.height = swaps ? w : h;
    out.channels = c;
    out.pixels.resize(in.pixels.size());
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            int sx = x, sy = y;
            switch (o) {
                case 2: sx = w - 1 - x; break;
                case 3: sx = w - 1 - x, sy = h - 1 - y; break;
                case 4: sy = h - 1 - y; break;
                case 5: sx = y, sy = x; break;
                case 6: sx = y, sy = h - 1 - x; break;
                case 7: sx = w - 1 - y, sy = h - 1 - x; break;
                case 8: sx = w - 1 - y, sy = x; break;
            }
            const std::uint8_t* src = in.pixels.data() + (static_cast<std::size_t>(sy) * w + sx) * c;
            std::copy(src, src + c, out.pixels.data() + (static_cast<std::size_t>(y) * out.width + x) * c);
        }
    return out;
}

}  // namespace

std::string sniff_format(const std::uint8_t* data, std::size_t size) {
    if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return "PNG";
    if (starts_with(data, size, "\xff\xd8\xff", 3)) return "JPEG";
    if (starts_with(data, size, "BM", 2)) return "BMP";
    if (starts_with(data, size, "GIF87a", 6) || starts_with(data, size, "GIF89a", 6)) return "GIF";
    return "unknown";
}

ImageHeader read_header(const std::uint8_t* data, std::size_t size) {
    if (data == nullptr || size == 0) throw Error("empty file (0 bytes)");
    ImageHeader header;
    header.format = sniff_format(data, size);
    const int n = checked_size(size);
    // Before any stb call: stb's header reader already builds the tables. stb takes a file as JPEG when
    // it starts with FF D8 after any number of FF fill bytes.
    std::size_t fill = 0;
    while (fill < size && data[fill] == 0xFF) ++fill;
    if (fill >= 1 && fill < size && data[fill] == 0xD8 && !jpeg_huffman_tables_valid(data + fill - 1, size - fill + 1))
        throw Error("JPEG could not be decoded: a Huffman table declares more than 256 codes (corrupt file)");
    if (!stbi_info_from_memory(data, n, &header.width, &header.height, &header.channels_in_file)) {
        std::uint64_t w = 0, h = 0;
        if (declared_size(header.format, data, size, w, h) && w * h > kStbPixelCeiling)
            throw Error(header.format + " declares " + std::to_string(w) + "x" + std::to_string(h) + " (" +
                        std::to_string(w * h) + " pixels), too large to decode");
        if (header.format == "unknown")
            throw Error("not an image (supported: PNG, JPEG, BMP, TGA, GIF)");
        throw Error(header.format + " header is unreadable or truncated (" + reason() + ")");
    }
    // stb guesses TGA from loose checks; name it only when nothing else matched.
    if (header.format == "unknown") header.format = "TGA";
    header.sixteen_bit = stbi_is_16_bit_from_memory(data, n) != 0;
    return header;
}

Image decode_image(const std::uint8_t* data, std::size_t size, int channels, const DecodeLimits& limits) {
    if (channels != 1 && channels != 3) throw Error("internal: decode_image wants 1 or 3 channels");
    auto check_limit = [&](const std::string& format, std::uint64_t w, std::uint64_t h) {
        if (w * h > limits.max_pixels)
            throw Error(format + " is " + std::to_string(w) + "x" + std::to_string(h) + " (" + std::to_string(w * h) +
                        " pixels), over the limit of " + std::to_string(limits.max_pixels) + " pixels");
    };
    // First from our own reading of the header: stb may refuse huge headers for its own reasons.
    std::uint64_t declared_w = 0, declared_h = 0;
    if (data != nullptr && declared_size(sniff_format(data, size), data, size, declared_w, declared_h))
        check_limit(sniff_format(data, size), declared_w, declared_h);
    const ImageHeader header = read_header(data, size);
    if (header.width <= 0 || header.height <= 0)
        throw Error(header.format + " declares an empty image (" + std::to_string(header.width) + "x" +
                    std::to_string(header.height) + ")");
    check_limit(header.format, static_cast<std::uint64_t>(header.width), static_cast<std::uint64_t>(header.height));

    if (header.format == "JPEG" && !jpeg_has_end_marker(data, size))
        throw Error("JPEG is truncated (no end-of-image marker)");

    int w = 0, h = 0, in_file = 0;
    std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
        stbi_load_from_memory(data, checked_size(size), &w, &h, &in_file, channels), stbi_image_free);
    if (!decoded) {
        throw Error(header.format + " could not be decoded: " + reason() +
                    " (the file may be truncated or corrupt)");
    }
    Image image;
    image.width = w;
    image.height = h;
    image.channels = channels;
    image.pixels.assign(decoded.get(), decoded.get() + static_cast<std::size_t>(w) * h * channels);
    decoded.reset();
    if (header.format == "JPEG") return apply_orientation(image, jpeg_exif_orientation(data, size));
    return image;
}

}  // namespace stratum
