// Decoding images from memory (stb_image) into 8-bit pixels, refusing bad input with clear errors.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stratum {

// Interleaved 8-bit pixels, row-major, `channels` values per pixel (1 = gray, 3 = RGB).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<std::uint8_t> pixels;
};

struct DecodeLimits {
    // Refused before any pixel memory is allocated. The default fits a 150-megapixel medium-format
    // photo or slide scan (decoded RGB: 450 MB); a header claiming more is refused by its size alone.
    std::uint64_t max_pixels = 150ull * 1000 * 1000;
};

// What the bytes say about themselves, read from the header only.
struct ImageHeader {
    std::string format;  // "PNG", "JPEG", "BMP", "TGA", "GIF", or "unknown"
    int width = 0;
    int height = 0;
    int channels_in_file = 0;
    bool sixteen_bit = false;
};

// Guesses the container from its magic bytes ("unknown" when none match; TGA has no magic).
std::string sniff_format(const std::uint8_t* data, std::size_t size);

// Reads the header; throws stratum::Error for empty input or bytes that are not a supported image.
ImageHeader read_header(const std::uint8_t* data, std::size_t size);

// Decodes PNG, JPEG, BMP, TGA or GIF (first frame) to 8-bit pixels with `channels` (1 or 3) per pixel.
// Gray becomes RGB by replication, RGB becomes gray by ITU-R 601 luma, alpha is dropped, 16-bit
// samples are scaled to 8 bits; a JPEG's EXIF orientation is applied (pixels upright, as browsers
// show it). Throws stratum::Error with a specific message on any failure.
Image decode_image(const std::uint8_t* data, std::size_t size, int channels,
                   const DecodeLimits& limits = {});

}  // namespace stratum
