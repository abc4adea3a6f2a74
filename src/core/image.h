// Decoding images from memory as a browser shows them, keeping 16-bit and float samples, and
// refusing bad input with clear errors. PNG (libpng), JPEG (libjpeg-turbo), TIFF (libtiff), BMP,
// GIF and TGA (stb_image, behind our own header checks). Files are recognised by their content.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace stratum {

// How one sample is stored: what the file holds, never narrowed on the way in.
enum class SampleType { UInt8, UInt16, Float32 };

// Interleaved pixels, row-major, `channels` samples per pixel (1 = grey, 3 = RGB). Exactly one of
// the sample vectors is filled, as `type` says. Upright (orientation applied) and opaque (alpha
// composited over white, the sample type's maximum: 255, 65535, or 1.0 for float).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;
    SampleType type = SampleType::UInt8;
    std::vector<std::uint8_t> pixels;      // UInt8
    std::vector<std::uint16_t> samples16;  // UInt16
    std::vector<float> samplesf;           // Float32
    // What the file says about its sample values: significant bits below the container's (PNG sBIT,
    // TIFF BitsPerSample 9-15 unpacked into 16-bit samples; 0 when not stated) and TIFF's
    // SMinSampleValue / SMaxSampleValue (has_stated_range false when absent).
    int significant_bits = 0;
    bool has_stated_range = false;
    double stated_min = 0, stated_max = 0;
    // How the file's appearance was applied, for the user: "alpha composited over white",
    // "CMYK converted to RGB", "EXIF orientation 6 applied", decoder warnings.
    std::vector<std::string> notes;

    std::size_t sample_count() const { return static_cast<std::size_t>(width) * height * channels; }
    // Sample i as a double, whatever the type.
    double sample(std::size_t i) const {
        return type == SampleType::UInt8 ? pixels[i] : type == SampleType::UInt16 ? samples16[i] : samplesf[i];
    }
};

// The sample vector of type T (std::uint8_t, std::uint16_t or float): pixels, samples16 or samplesf.
template <typename T>
std::vector<T>& samples_of(Image& image) {
    if constexpr (std::is_same_v<T, std::uint8_t>) return image.pixels;
    else if constexpr (std::is_same_v<T, std::uint16_t>) return image.samples16;
    else return image.samplesf;
}
template <typename T>
const std::vector<T>& samples_of(const Image& image) {
    return samples_of<T>(const_cast<Image&>(image));
}

// Calls f(double) for every sample of `image` in storage order, whatever its type.
template <typename F>
void for_each_sample(const Image& image, F&& f) {
    switch (image.type) {
        case SampleType::UInt8: for (const std::uint8_t v : image.pixels) f(static_cast<double>(v)); break;
        case SampleType::UInt16: for (const std::uint16_t v : image.samples16) f(static_cast<double>(v)); break;
        default: for (const float v : image.samplesf) f(static_cast<double>(v)); break;
    }
}

// "8-bit", "16-bit" or "float": for messages, CSV columns and cards.
std::string sample_type_name(SampleType type);

struct DecodeLimits {
    // Refused before any pixel memory is allocated. The default fits a 150-megapixel medium-format
    // photo or slide scan (decoded RGB: 450 MB); a header claiming more is refused by its size alone.
    std::uint64_t max_pixels = 150ull * 1000 * 1000;
    // Multi-page TIFF: at most this many pages, and this many pixels over all pages together.
    std::uint64_t max_pages = 10000;
    std::uint64_t max_total_pixels = 2000ull * 1000 * 1000;
};

// What the bytes say about themselves, read from the header only (for TIFF: every page's directory).
struct ImageHeader {
    std::string format;  // "PNG", "JPEG", "TIFF", "BMP", "GIF" or "TGA"
    int width = 0;       // of the first page, as stored (before orientation)
    int height = 0;
    int channels_in_file = 0;  // samples per pixel, alpha included
    int bits_per_sample = 8;   // as stored: 1-16, or 32 for float
    int pages = 1;             // multi-page TIFF: pages decoded as images of their own
};

// The format the first bytes name by their signature: "PNG", "JPEG", "TIFF" (classic or BigTIFF),
// "BMP", "GIF", or "" when none matches. TGA has no signature: see read_header.
std::string sniff_format(const std::uint8_t* data, std::size_t size);

// Refuses a file from its first bytes alone, before it is read whole: `prefix` is its start (64 KiB
// is plenty), `file_size` its full size. Throws stratum::Error when the bytes are no supported image
// (TGA is judged by its 18-byte header against the file size) or declare more pixels than `limits`.
void check_file_start(const std::uint8_t* prefix, std::size_t prefix_size, std::uint64_t file_size,
                      const DecodeLimits& limits = {});

// Reads the header; throws stratum::Error for empty input, bytes that are not a supported image,
// variants no decoder here reads (12-bit or lossless JPEG, RLE BMP: the message names them), and
// dimensions or page counts over `limits`.
ImageHeader read_header(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits = {});

// Decodes every page (one for all formats but multi-page TIFF) to `channels` (1 or 3) per pixel and
// calls `page(image, index, count)` for each in order, so that a stack is never held whole.
// Grey becomes RGB by replication, RGB becomes grey by ITU-R 601 luma ((77 R + 150 G + 29 B) / 256);
// alpha is composited over white; CMYK and YCCK JPEGs are read as Adobe's inverted CMYK, as browsers
// do; orientation (JPEG and PNG EXIF, TIFF Orientation) is applied; 1-, 2- and 4-bit samples are
// scaled to 8 bits, 9- to 16-bit samples kept as 16-bit values. Throws stratum::Error with a specific
// message on any failure (pages already delivered stay delivered).
using PageCallback = std::function<void(Image&& image, int index, int count)>;
void decode_pages(const std::uint8_t* data, std::size_t size, int channels, const PageCallback& page,
                  const DecodeLimits& limits = {});

// The one image of a single-page file (decode_pages for the rules); a multi-page TIFF is refused
// with a message saying how many pages it has.
Image decode_image(const std::uint8_t* data, std::size_t size, int channels, const DecodeLimits& limits = {});

// "NAME [page 3/12]" for page index 2 of 12; NAME alone for a single page. The one spelling of a
// page's row name in the CLI, the trainer and the page.
std::string page_name(const std::string& name, int index, int count);

}  // namespace stratum
