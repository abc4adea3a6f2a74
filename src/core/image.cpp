#include "image.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "error.h"
#include "image_decoders.h"

namespace stratum {
namespace detail {

std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t(p[0]) << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
std::uint32_t le16(const std::uint8_t* p) { return (std::uint32_t(p[1]) << 8) | p[0]; }
std::uint32_t le32(const std::uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }

int exif_orientation(const std::uint8_t* tiff, std::size_t size) {
    if (size < 8) return 1;
    const bool little = tiff[0] == 'I' && tiff[1] == 'I';
    if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
    auto u16 = [&](std::size_t at) { return little ? le16(tiff + at) : be16(tiff + at); };
    auto u32 = [&](std::size_t at) { return little ? le32(tiff + at) : be32(tiff + at); };
    if (u16(2) != 42) return 1;
    const std::size_t ifd = u32(4);
    if (ifd > size || size - ifd < 2) return 1;
    const std::size_t entries = u16(ifd);
    for (std::size_t e = 0; e < entries && ifd + 2 + (e + 1) * 12 <= size; ++e) {
        const std::size_t entry = ifd + 2 + e * 12;
        if (u16(entry) == 0x0112 && u16(entry + 2) == 3) {  // orientation, SHORT
            const std::uint32_t value = u16(entry + 8);
            return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
        }
    }
    return 1;
}

}  // namespace detail

namespace {

using namespace detail;

bool starts_with(const std::uint8_t* data, std::size_t size, const char* magic, std::size_t n) {
    return size >= n && std::memcmp(data, magic, n) == 0;
}

const char* kSupported = "supported: PNG, JPEG, TIFF, BMP, GIF, TGA";

template <typename T>
constexpr double white_of() {
    return std::is_same_v<T, float> ? 1.0 : static_cast<double>(std::numeric_limits<T>::max());
}

template <typename T>
T from_double(double v) {
    if constexpr (std::is_same_v<T, float>) {
        return static_cast<float>(v);
    } else {
        const double clamped = std::min(std::max(v, 0.0), white_of<T>());
        return static_cast<T>(clamped + 0.5);
    }
}

// Alpha over white, then the wanted number of channels. Returns whether any pixel was transparent.
template <typename T>
bool composite_and_convert(Image& image, bool premultiplied, int channels) {
    std::vector<T>& in = samples_of<T>(image);
    const int c_in = image.channels;
    const bool alpha = c_in == 2 || c_in == 4;
    const int colour = alpha ? c_in - 1 : c_in;
    const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
    const double white = white_of<T>();
    std::vector<T> out(n * static_cast<std::size_t>(channels));
    bool transparent = false;
    for (std::size_t i = 0; i < n; ++i) {
        const T* p = in.data() + i * c_in;
        T c[3];
        if (alpha && static_cast<double>(p[colour]) < white) {
            transparent = true;
            const double a = static_cast<double>(p[colour]) / white;
            for (int k = 0; k < colour; ++k) {
                const double v = static_cast<double>(p[k]);
                c[k] = from_double<T>(premultiplied ? v + white * (1.0 - a) : v * a + white * (1.0 - a));
            }
        } else {
            for (int k = 0; k < colour; ++k) c[k] = p[k];
        }
        T* q = out.data() + i * channels;
        if (channels == colour) {
            std::copy(c, c + colour, q);
        } else if (channels == 3) {  // grey to RGB
            q[0] = q[1] = q[2] = c[0];
        } else {  // RGB to grey: ITU-R 601 luma in stb's integer weights
            if constexpr (std::is_same_v<T, float>)
                q[0] = (77.0f * c[0] + 150.0f * c[1] + 29.0f * c[2]) / 256.0f;
            else
                q[0] = static_cast<T>((77u * c[0] + 150u * c[1] + 29u * c[2]) >> 8);
        }
    }
    in = std::move(out);
    image.channels = channels;
    return transparent;
}

// Turns stored pixels upright as EXIF orientation `o` says (as browsers show the photo).
template <typename T>
void orient(Image& image, int o) {
    const std::vector<T>& in = samples_of<T>(image);
    const int w = image.width, h = image.height, c = image.channels;
    const bool swaps = o >= 5;
    const int ow = swaps ? h : w, oh = swaps ? w : h;
    std::vector<T> out(in.size());
    for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
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
            const T* src = in.data() + (static_cast<std::size_t>(sy) * w + sx) * c;
            std::copy(src, src + c, out.data() + (static_cast<std::size_t>(y) * ow + x) * c);
        }
    samples_of<T>(image) = std::move(out);
    image.width = ow;
    image.height = oh;
}

template <typename T>
Image finish_typed(StoredImage&& stored, int channels) {
    Image image = std::move(stored.image);
    if (composite_and_convert<T>(image, stored.premultiplied, channels))
        image.notes.push_back("alpha composited over white");
    if (stored.orientation >= 2 && stored.orientation <= 8) {
        orient<T>(image, stored.orientation);
        image.notes.push_back("orientation " + std::to_string(stored.orientation) + " applied");
    }
    return image;
}

Image finish(StoredImage&& stored, int channels) {
    switch (stored.image.type) {
        case SampleType::UInt8: return finish_typed<std::uint8_t>(std::move(stored), channels);
        case SampleType::UInt16: return finish_typed<std::uint16_t>(std::move(stored), channels);
        default: return finish_typed<float>(std::move(stored), channels);
    }
}

void check_pixels(const ImageHeader& h, const DecodeLimits& limits) {
    if (h.width <= 0 || h.height <= 0)
        throw Error(h.format + " declares an empty image (" + std::to_string(h.width) + "x" +
                    std::to_string(h.height) + ")");
    const std::uint64_t n = static_cast<std::uint64_t>(h.width) * static_cast<std::uint64_t>(h.height);
    if (n > limits.max_pixels)
        throw Error(h.format + " is " + std::to_string(h.width) + "x" + std::to_string(h.height) + " (" +
                    std::to_string(n) + " pixels), over the limit of " + std::to_string(limits.max_pixels) +
                    " pixels");
}

}  // namespace

std::string sample_type_name(SampleType type) {
    return type == SampleType::UInt8 ? "8-bit" : type == SampleType::UInt16 ? "16-bit" : "float";
}

std::string sniff_format(const std::uint8_t* data, std::size_t size) {
    if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return "PNG";
    if (starts_with(data, size, "\xff\xd8\xff", 3)) return "JPEG";
    if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4) ||
        starts_with(data, size, "II+\0", 4) || starts_with(data, size, "MM\0+", 4))
        return "TIFF";
    if (starts_with(data, size, "BM", 2) && size >= 26) return "BMP";
    if (starts_with(data, size, "GIF87a", 6) || starts_with(data, size, "GIF89a", 6)) return "GIF";
    return "";
}

void check_file_start(const std::uint8_t* prefix, std::size_t prefix_size, std::uint64_t file_size,
                      const DecodeLimits& limits) {
    if (file_size == 0) throw Error("empty file (0 bytes)");
    if (file_size > 0x7FFFFFFFull) throw Error("file is larger than 2 GiB");
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(prefix_size, file_size));
    std::string format = sniff_format(prefix, n);
    if (format.empty()) {
        if (!tga_header_valid(prefix, n, file_size)) throw Error(std::string("not an image (") + kSupported + ")");
        format = "TGA";
    }
    if (format == "TIFF") return;  // its directories may lie anywhere in the file
    if (n == file_size) {          // the whole file: the full header check
        read_header(prefix, n, limits);
        return;
    }
    ImageHeader h;
    try {
        h = format == "PNG" ? png_header(prefix, n) : format == "JPEG" ? jpeg_header(prefix, n) : stb_header(format, prefix, n);
    } catch (const Error& e) {
        // The header may run past the prefix (a JPEG with large metadata): the decoder will judge.
        if (std::string(e.what()).find("truncated") != std::string::npos) return;
        throw;
    }
    check_pixels(h, limits);
}

ImageHeader read_header(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits) {
    if (data == nullptr || size == 0) throw Error("empty file (0 bytes)");
    if (size > 0x7FFFFFFFull) throw Error("file is larger than 2 GiB");
    std::string format = sniff_format(data, size);
    if (format.empty()) {
        if (!tga_header_valid(data, size, size)) throw Error(std::string("not an image (") + kSupported + ")");
        format = "TGA";
    }
    ImageHeader h = format == "PNG"    ? png_header(data, size)
                    : format == "JPEG" ? jpeg_header(data, size)
                    : format == "TIFF" ? tiff_header(data, size, limits)
                                       : stb_header(format, data, size);
    check_pixels(h, limits);
    return h;
}

void decode_pages(const std::uint8_t* data, std::size_t size, int channels, const PageCallback& page,
                  const DecodeLimits& limits) {
    if (channels != 1 && channels != 3) throw Error("internal: decode_pages wants 1 or 3 channels");
    const ImageHeader h = read_header(data, size, limits);
    if (h.format == "TIFF") {
        decode_tiff(data, size, h.pages, limits, [&](StoredImage&& stored, int index, int count) {
            page(finish(std::move(stored), channels), index, count);
        });
        return;
    }
    StoredImage stored = h.format == "PNG"    ? decode_png(data, size)
                         : h.format == "JPEG" ? decode_jpeg(data, size)
                                              : decode_stb(h.format, data, size);
    page(finish(std::move(stored), channels), 0, 1);
}

Image decode_image(const std::uint8_t* data, std::size_t size, int channels, const DecodeLimits& limits) {
    const ImageHeader h = read_header(data, size, limits);
    if (h.pages > 1)
        throw Error(h.format + " has " + std::to_string(h.pages) + " pages; each page is an image of its own");
    Image result;
    decode_pages(data, size, channels, [&](Image&& image, int, int) { result = std::move(image); }, limits);
    return result;
}

std::string page_name(const std::string& name, int index, int count) {
    if (count <= 1) return name;
    return name + " [page " + std::to_string(index + 1) + "/" + std::to_string(count) + "]";
}

}  // namespace stratum
