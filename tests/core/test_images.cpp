#include "test_images.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <jpeglib.h>
#include <tiffio.h>

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

stratum::Image solid(int width, int height, int channels, std::uint8_t value) {
    stratum::Image img;
    img.width = width;
    img.height = height;
    img.channels = channels;
    img.pixels.assign(static_cast<std::size_t>(width) * height * channels, value);
    return img;
}

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

Bytes encode_png_raw(int w, int h, int depth, int colour_type, const Bytes& raw,
                     const std::vector<std::pair<std::string, Bytes>>& before_idat) {
    Bytes png = kPngSignature;
    chunk(png, "IHDR", ihdr(w, h, static_cast<std::uint8_t>(depth), static_cast<std::uint8_t>(colour_type)));
    for (const auto& [type, data] : before_idat) chunk(png, type.c_str(), data);
    chunk(png, "IDAT", zlib_stored(raw));
    chunk(png, "IEND", {});
    return png;
}

Bytes png16_with_sbit(int w, int h, const std::vector<std::uint16_t>& samples, int significant_bits) {
    Bytes raw;
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);
        for (int x = 0; x < w; ++x) {
            const std::uint16_t v = samples[static_cast<std::size_t>(y) * w + x];
            raw.push_back(static_cast<std::uint8_t>(v >> 8));
            raw.push_back(static_cast<std::uint8_t>(v & 0xFF));
        }
    }
    return encode_png_raw(w, h, 16, 0, raw, {{"sBIT", Bytes{static_cast<std::uint8_t>(significant_bits)}}});
}

Bytes with_png_exif(const Bytes& png, int orientation) {
    const Bytes exif = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0,
                        static_cast<std::uint8_t>(orientation), 0, 0, 0, 0, 0, 0, 0};
    Bytes out(png.begin(), png.begin() + 8 + 25);  // signature and IHDR
    chunk(out, "eXIf", exif);
    out.insert(out.end(), png.begin() + 8 + 25, png.end());
    return out;
}

Bytes with_bad_crc(const Bytes& png, const std::string& type) {
    Bytes out = png;
    for (std::size_t i = 8; i + 12 <= out.size();) {
        const std::uint32_t length = (std::uint32_t(out[i]) << 24) | (out[i + 1] << 16) | (out[i + 2] << 8) | out[i + 3];
        if (std::memcmp(out.data() + i + 4, type.data(), 4) == 0) {
            out[i + 8 + length] ^= 0x01;  // the stored CRC; the data stay intact
            return out;
        }
        i += 12 + length;
    }
    throw std::runtime_error("with_bad_crc: no " + type + " chunk");
}

Bytes bmp_top_down(const Bytes& bmp) {
    auto le32 = [&](std::size_t at) {
        return std::uint32_t(bmp[at]) | (std::uint32_t(bmp[at + 1]) << 8) | (std::uint32_t(bmp[at + 2]) << 16) |
               (std::uint32_t(bmp[at + 3]) << 24);
    };
    const std::uint32_t offset = le32(10), width = le32(18), height = le32(22);
    const std::uint16_t bits = static_cast<std::uint16_t>(bmp[28] | (bmp[29] << 8));
    const std::size_t stride = ((width * bits / 8) + 3) / 4 * 4;
    Bytes out(bmp.begin(), bmp.begin() + offset);
    const std::uint32_t negative = static_cast<std::uint32_t>(-static_cast<std::int32_t>(height));
    for (int k = 0; k < 4; ++k) out[22 + k] = static_cast<std::uint8_t>(negative >> (8 * k));
    for (std::uint32_t row = height; row-- > 0;)
        out.insert(out.end(), bmp.begin() + offset + row * stride, bmp.begin() + offset + (row + 1) * stride);
    return out;
}

Bytes libjpeg_encode(int w, int h, int components, const std::vector<std::uint8_t>& pixels, const LibjpegOptions& o) {
    jpeg_compress_struct cinfo{};
    jpeg_error_mgr errors{};
    cinfo.err = jpeg_std_error(&errors);
    jpeg_create_compress(&cinfo);
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = static_cast<JDIMENSION>(w);
    cinfo.image_height = static_cast<JDIMENSION>(h);
    cinfo.input_components = components;
    cinfo.in_color_space = components == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    if (components == 4) jpeg_set_colorspace(&cinfo, o.ycck ? JCS_YCCK : JCS_CMYK);
    jpeg_set_quality(&cinfo, o.quality, TRUE);
    if (o.full_chroma)
        for (int c = 0; c < cinfo.num_components; ++c) cinfo.comp_info[c].h_samp_factor = cinfo.comp_info[c].v_samp_factor = 1;
    if (o.progressive) jpeg_simple_progression(&cinfo);
    cinfo.write_Adobe_marker = o.adobe_marker && components == 4 ? TRUE : FALSE;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(pixels.data() + static_cast<std::size_t>(cinfo.next_scanline) * w * components);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    Bytes out(buffer, buffer + size);
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    return out;
}

Bytes encode_tiff(const std::vector<TiffPage>& pages, bool bigtiff) {
    // libtiff writes to a file (MEMFS under node); the bytes are read back.
    static int serial = 0;
    const std::string path = "/tmp/stratum_test_" + std::to_string(++serial) + ".tif";
    TIFF* tif = TIFFOpen(path.c_str(), bigtiff ? "w8" : "w");
    if (tif == nullptr) throw std::runtime_error("encode_tiff: cannot open " + path);
    for (const TiffPage& p : pages) {
        TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(p.width));
        TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(p.height));
        TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, static_cast<std::uint16_t>(p.samples));
        TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, static_cast<std::uint16_t>(p.bits));
        TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, static_cast<std::uint16_t>(p.sample_format));
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, static_cast<std::uint16_t>(p.photometric));
        TIFFSetField(tif, TIFFTAG_COMPRESSION, static_cast<std::uint16_t>(p.compression));
        TIFFSetField(tif, TIFFTAG_PLANARCONFIG, static_cast<std::uint16_t>(p.planar ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG));
        TIFFSetField(tif, TIFFTAG_ORIENTATION, static_cast<std::uint16_t>(p.orientation));
        if (p.reduced) TIFFSetField(tif, TIFFTAG_SUBFILETYPE, static_cast<std::uint32_t>(FILETYPE_REDUCEDIMAGE));
        if (p.extra_alpha) {
            const std::uint16_t kind = p.extra_alpha == 1 ? EXTRASAMPLE_ASSOCALPHA : EXTRASAMPLE_UNASSALPHA;
            TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &kind);
        }
        if (p.smax > p.smin) {
            TIFFSetField(tif, TIFFTAG_SMINSAMPLEVALUE, p.smin);
            TIFFSetField(tif, TIFFTAG_SMAXSAMPLEVALUE, p.smax);
        }
        if (p.photometric == PHOTOMETRIC_PALETTE) {
            const std::size_t n = std::size_t(1) << p.bits;
            TIFFSetField(tif, TIFFTAG_COLORMAP, p.colormap.data(), p.colormap.data() + n, p.colormap.data() + 2 * n);
        }
        const int per_chunk = p.planar ? 1 : p.samples;
        const int planes = p.planar ? p.samples : 1;
        auto row_of = [&](int plane, int y, std::uint32_t x0, std::uint32_t cols, std::size_t row_bytes) {
            Bytes row(row_bytes, 0);
            for (std::uint32_t c = 0; c < cols; ++c)
                for (int s = 0; s < per_chunk; ++s) {
                    const int sample = p.planar ? plane : s;
                    const std::size_t src = (static_cast<std::size_t>(y) * p.width + x0 + c) * p.samples + sample;
                    const std::size_t index = static_cast<std::size_t>(c) * per_chunk + s;
                    if (p.sample_format == 3) {
                        std::memcpy(row.data() + index * 4, &p.floats[src], 4);
                    } else if (p.bits == 8) {
                        row[index] = static_cast<std::uint8_t>(p.values[src]);
                    } else if (p.bits == 16) {
                        const std::uint16_t v = static_cast<std::uint16_t>(p.values[src]);
                        std::memcpy(row.data() + index * 2, &v, 2);
                    } else {  // packed, most significant bit first
                        for (int k = 0; k < p.bits; ++k) {
                            const std::size_t bit = index * p.bits + k;
                            if ((p.values[src] >> (p.bits - 1 - k)) & 1u) row[bit >> 3] |= static_cast<std::uint8_t>(0x80 >> (bit & 7));
                        }
                    }
                }
            return row;
        };
        const int bits = p.sample_format == 3 ? 32 : p.bits;
        if (p.tiled) {
            TIFFSetField(tif, TIFFTAG_TILEWIDTH, 16u);
            TIFFSetField(tif, TIFFTAG_TILELENGTH, 16u);
            const std::size_t row_bytes = (16u * per_chunk * bits + 7) / 8;
            for (int plane = 0; plane < planes; ++plane)
                for (int y0 = 0; y0 < p.height; y0 += 16)
                    for (int x0 = 0; x0 < p.width; x0 += 16) {
                        Bytes tile;
                        for (int r = 0; r < 16; ++r) {
                            const Bytes row = y0 + r < p.height ? row_of(plane, y0 + r, x0, std::min(16, p.width - x0), row_bytes)
                                                                : Bytes(row_bytes, 0);
                            tile.insert(tile.end(), row.begin(), row.end());
                        }
                        TIFFWriteEncodedTile(tif, TIFFComputeTile(tif, x0, y0, 0, static_cast<std::uint16_t>(plane)),
                                             tile.data(), static_cast<tmsize_t>(tile.size()));
                    }
        } else {
            TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(p.rows_per_strip));
            const std::size_t row_bytes = (static_cast<std::size_t>(p.width) * per_chunk * bits + 7) / 8;
            for (int plane = 0; plane < planes; ++plane)
                for (int y = 0; y < p.height; ++y) {
                    Bytes row = row_of(plane, y, 0, static_cast<std::uint32_t>(p.width), row_bytes);
                    TIFFWriteScanline(tif, row.data(), static_cast<std::uint32_t>(y), static_cast<std::uint16_t>(plane));
                }
        }
        TIFFWriteDirectory(tif);
    }
    TIFFClose(tif);
    std::ifstream in(path, std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(path.c_str());
    return bytes;
}

}  // namespace stratum_test
