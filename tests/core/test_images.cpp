#include "test_images.h"

#include <cstring>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC  // internal linkage: several targets compile their own copy
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>

namespace stratum_test {
namespace {

void append(void* context, void* data, int size) {
    Bytes* out = static_cast<Bytes*>(context);
    const auto* p = static_cast<const std::uint8_t*>(data);
    out->insert(out->end(), p, p + size);
}

void put32(Bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

void chunk(Bytes& png, const char* type, const Bytes& data) {
    put32(png, static_cast<std::uint32_t>(data.size()));
    Bytes body(type, type + 4);
    body.insert(body.end(), data.begin(), data.end());
    png.insert(png.end(), body.begin(), body.end());
    put32(png, crc32(body.data(), body.size()));
}

Bytes ihdr(std::uint32_t w, std::uint32_t h, std::uint8_t depth, std::uint8_t colour_type) {
    Bytes d;
    put32(d, w);
    put32(d, h);
    d.insert(d.end(), {depth, colour_type, 0, 0, 0});
    return d;
}

// zlib stream with stored (uncompressed) deflate blocks: simple and valid.
Bytes zlib_stored(const Bytes& raw) {
    Bytes z = {0x78, 0x01};
    std::size_t pos = 0;
    do {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
        const bool last = pos + n == raw.size();
        z.push_back(last ? 1 : 0);
        z.push_back(static_cast<std::uint8_t>(n & 0xFF));
        z.push_back(static_cast<std::uint8_t>(n >> 8));
        z.push_back(static_cast<std::uint8_t>(~n & 0xFF));
        z.push_back(static_cast<std::uint8_t>((~n >> 8) & 0xFF));
        z.insert(z.end(), raw.begin() + pos, raw.begin() + pos + n);
        pos += n;
    } while (pos < raw.size());
    std::uint32_t a = 1, b = 0;
    for (std::uint8_t v : raw) {
        a = (a + v) % 65521;
        b = (b + a) % 65521;
    }
    put32(z, (b << 16) | a);
    return z;
}

const Bytes kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

}  // namespace

std::vector<std::uint8_t> pattern(int width, int height, int channels) {
    std::vector<std::uint8_t> p(static_cast<std::size_t>(width) * height * channels);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c)
                p[(static_cast<std::size_t>(y) * width + x) * channels + c] =
                    static_cast<std::uint8_t>((x * 7 + y * 13 + c * 50) % 256);
    return p;
}

Bytes encode_png(int w, int h, int c, const std::vector<std::uint8_t>& px) {
    Bytes out;
    stbi_write_png_to_func(append, &out, w, h, c, px.data(), w * c);
    return out;
}
Bytes encode_bmp(int w, int h, int c, const std::vector<std::uint8_t>& px) {
    Bytes out;
    stbi_write_bmp_to_func(append, &out, w, h, c, px.data());
    return out;
}
Bytes encode_tga(int w, int h, int c, const std::vector<std::uint8_t>& px) {
    Bytes out;
    stbi_write_tga_with_rle = 0;
    stbi_write_tga_to_func(append, &out, w, h, c, px.data());
    return out;
}
Bytes encode_jpeg(int w, int h, int c, const std::vector<std::uint8_t>& px, int quality) {
    Bytes out;
    stbi_write_jpg_to_func(append, &out, w, h, c, px.data(), quality);
    return out;
}

Bytes encode_png16(int w, int h, int c, const std::vector<std::uint16_t>& samples) {
    Bytes raw;
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);  // filter: none
        for (int i = 0; i < w * c; ++i) {
            const std::uint16_t v = samples[static_cast<std::size_t>(y) * w * c + i];
            raw.push_back(static_cast<std::uint8_t>(v >> 8));
            raw.push_back(static_cast<std::uint8_t>(v & 0xFF));
        }
    }
    Bytes png = kPngSignature;
    chunk(png, "IHDR", ihdr(w, h, 16, c == 1 ? 0 : 2));
    chunk(png, "IDAT", zlib_stored(raw));
    chunk(png, "IEND", {});
    return png;
}

Bytes png_header_only(std::uint32_t w, std::uint32_t h) {
    Bytes png = kPngSignature;
    chunk(png, "IHDR", ihdr(w, h, 8, 2));
    chunk(png, "IDAT", {0x78, 0x01, 0x00});
    chunk(png, "IEND", {});
    return png;
}

Bytes two_frame_gif() {
    // Hand-assembled GIF89a: 2x2, global palette of 4 colours, two image descriptors, LZW min code 2.
    // Frame 1 indices 0,1,2,3; frame 2 indices 4 times 0 under a palette where 0 is black (local table).
    return {
        'G', 'I', 'F', '8', '9', 'a', 2, 0, 2, 0, 0xF1, 0, 0,  // screen 2x2, global table of 4
        255, 0, 0,   0, 255, 0,   0, 0, 255,   255, 255, 255,  // red, green, blue, white
        0x21, 0xF9, 4, 0, 0, 0, 0, 0,                         // graphic control: no transparency
        0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0,                      // frame 1 descriptor
        2, 3, 0x44, 0x34, 0x05, 0,                            // LZW: clear,0,1,2,3,end
        0x21, 0xF9, 4, 0, 0, 0, 0, 0,
        0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0x81,                   // frame 2, local table of 4
        0, 0, 0,   0, 0, 0,   0, 0, 0,   0, 0, 0,
        2, 3, 0x04, 0x00, 0x05, 0,                            // LZW: clear,0,0,0,0,end
        0x3B};
}

Bytes with_exif_orientation(const Bytes& jpeg, int orientation, bool little_endian) {
    // APP1 "Exif\0\0", a TIFF header and IFD0 with one entry: tag 0x0112 (orientation), SHORT, 1 value.
    Bytes tiff = little_endian ? Bytes{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0,
                                       static_cast<std::uint8_t>(orientation), 0, 0, 0, 0, 0, 0, 0}
                               : Bytes{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
                                       0, static_cast<std::uint8_t>(orientation), 0, 0, 0, 0, 0, 0};
    Bytes app1 = {'E', 'x', 'i', 'f', 0, 0};
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    const std::size_t length = app1.size() + 2;
    Bytes out(jpeg.begin(), jpeg.begin() + 2);  // SOI
    out.insert(out.end(), {0xFF, 0xE1, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length & 0xFF)});
    out.insert(out.end(), app1.begin(), app1.end());
    out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
    return out;
}

}  // namespace stratum_test
