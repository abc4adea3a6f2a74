// Test images made in memory: stb_image_write for the common formats, hand-built bytes for what it
// cannot write (16-bit PNG, GIF, PNG chunks, a PNG whose header lies about its size), libtiff for
// TIFF and libjpeg for CMYK JPEG.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "image.h"

namespace stratum_test {

using Bytes = std::vector<std::uint8_t>;

// A deterministic pattern: pixel (x, y) channel c = (x * 7 + y * 13 + c * 50) % 256.
std::vector<std::uint8_t> pattern(int width, int height, int channels);
// An 8-bit image of one value everywhere.
stratum::Image solid(int width, int height, int channels, std::uint8_t value);

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

// PNG from chunks: IHDR (w, h, depth, colour type), then `before_idat` chunks (type, data), the
// rows (`raw`: filter byte 0 and big-endian samples per row), IEND.
Bytes encode_png_raw(int width, int height, int depth, int colour_type, const Bytes& raw,
                     const std::vector<std::pair<std::string, Bytes>>& before_idat = {});
// 16-bit grey PNG of `samples` with an sBIT chunk saying `significant_bits`.
Bytes png16_with_sbit(int width, int height, const std::vector<std::uint16_t>& samples, int significant_bits);
// The PNG with an eXIf chunk (orientation 1-8) after IHDR.
Bytes with_png_exif(const Bytes& png, int orientation);
// The PNG with a bit of the first `type` chunk's stored CRC flipped (its data intact).
Bytes with_bad_crc(const Bytes& png, const std::string& type);
// The bottom-up 24-bit BMP rewritten top-down (negative height, rows in reverse order).
Bytes bmp_top_down(const Bytes& bmp);
// JPEG through libjpeg, for what stb_image_write cannot make. `components` 3 (RGB) or 4 (Adobe-
// inverted CMYK samples, 255 = no ink), stored as CMYK, or as YCCK when `ycck`; the Adobe APP14
// marker written unless `adobe_marker` is false; progressive scans; quality 1-100; no chroma
// subsampling when `full_chroma` (tests that compare pixels).
struct LibjpegOptions {
    bool ycck = false;
    bool adobe_marker = true;
    bool progressive = false;
    bool full_chroma = false;
    int quality = 90;
};
Bytes libjpeg_encode(int width, int height, int components, const std::vector<std::uint8_t>& pixels,
                     const LibjpegOptions& options = {});

// One TIFF page for encode_tiff: samples interleaved as in the file (for float, `floats`).
struct TiffPage {
    int width = 0, height = 0, samples = 1, bits = 8;
    int sample_format = 1;  // 1 unsigned, 3 float
    int photometric = 1;    // 0 min-is-white, 1 min-is-black, 2 RGB, 3 palette
    int compression = 1;    // 1 none, 5 LZW, 8 Deflate, 32773 PackBits
    int extra_alpha = 0;    // 0 none, 1 associated, 2 unassociated (last sample)
    bool tiled = false;     // 16x16 tiles, else strips of `rows_per_strip` rows
    int rows_per_strip = 5;
    bool planar = false;
    int orientation = 1;
    int reduced = 0;        // 1: a reduced-resolution image (a thumbnail)
    double smin = 0, smax = 0;  // SMin/SMaxSampleValue when smax > smin
    std::vector<std::uint32_t> values;  // integer samples (any bit depth up to 16)
    std::vector<float> floats;
    std::vector<std::uint16_t> colormap;  // palette: 3 x 2^bits entries (R..., G..., B...)
};
Bytes encode_tiff(const std::vector<TiffPage>& pages, bool bigtiff = false);

}  // namespace stratum_test
