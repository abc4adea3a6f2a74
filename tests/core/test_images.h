// Test images made in memory: stb_image_write for the common formats, hand-built bytes for what it
// cannot write (16-bit PNG, GIF, a PNG whose header lies about its size).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace stratum_test {

using Bytes = std::vector<std::uint8_t>;

// A deterministic pattern: pixel (x, y) channel c = (x * 7 + y * 13 + c * 50) % 256.
std::vector<std::uint8_t> pattern(int width, int height, int channels);

Bytes encode_png(int width, int height, int channels, const std::vector<std::uint8_t>& pixels);
Bytes encode_bmp(int width, int height, int channels, const std::vector<std::uint8_t>& pixels);
Bytes encode_tga(int width, int height, int channels, const std::vector<std::uint8_t>& pixels);
Bytes encode_jpeg(int width, int height, int channels, const std::vector<std::uint8_t>& pixels, int quality);

// 16-bit-per-sample PNG (colour type 0 gray or 2 RGB), samples given as 16-bit values.
Bytes encode_png16(int width, int height, int channels, const std::vector<std::uint16_t>& samples);
// A PNG with a valid signature and IHDR declaring width x height, and a tiny (invalid) IDAT.
Bytes png_header_only(std::uint32_t width, std::uint32_t height);
// The JPEG with an EXIF APP1 segment right after SOI whose orientation tag is `orientation` (1-8).
Bytes with_exif_orientation(const Bytes& jpeg, int orientation, bool little_endian);
// A 2x2 GIF89a with two frames: first frame red/green/blue/white, second frame all black.
Bytes two_frame_gif();

}  // namespace stratum_test
