// Each kind of file the decoders must read as a browser (or a lab viewer) would, generated here
// with known pixels: TIFF variants and stacks, 16-bit and packed samples, alpha, orientation, CMYK,
// top-down BMP, data after a JPEG, PNG checksums, and the strict TGA check.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "error.h"
#include "image.h"
#include "preprocess.h"
#include "test_images.h"

using namespace stratum;
using namespace stratum_test;

namespace {

std::string refusal(const Bytes& b, int channels = 3, DecodeLimits limits = {}) {
    try {
        decode_image(b.data(), b.size(), channels, limits);
    } catch (const Error& e) {
        return e.what();
    }
    return "(decoded)";
}

TiffPage tiff_page(int w, int h, int samples, int bits, int photometric) {
    TiffPage p;
    p.width = w;
    p.height = h;
    p.samples = samples;
    p.bits = bits;
    p.photometric = photometric;
    if (bits > 16) return p;  // float pages fill `floats` themselves
    const std::uint32_t levels = 1u << bits;
    p.values.resize(static_cast<std::size_t>(w) * h * samples);
    for (std::size_t i = 0; i < p.values.size(); ++i) p.values[i] = static_cast<std::uint32_t>((i * 2654435761u) >> 7) % levels;
    return p;
}

}  // namespace

TEST_CASE("TIFF: grey and RGB, 8 and 16 bits, strips and tiles, planar, every codec, classic and BigTIFF", "[decoding]") {
    for (int compression : {1, 5, 8, 32773})
        for (bool tiled : {false, true})
            for (bool bigtiff : {false, true})
                for (int kind = 0; kind < 4; ++kind) {
                    const bool rgb = kind >= 2, sixteen = kind % 2 == 1;
                    TiffPage p = tiff_page(37, 21, rgb ? 3 : 1, sixteen ? 16 : 8, rgb ? 2 : 1);
                    p.compression = compression;
                    p.tiled = tiled;
                    p.planar = rgb && sixteen;
                    CAPTURE(compression, tiled, bigtiff, kind);
                    const Bytes tiff = encode_tiff({p}, bigtiff);
                    const ImageHeader h = read_header(tiff.data(), tiff.size());
                    CHECK(h.format == "TIFF");
                    CHECK(h.pages == 1);
                    CHECK(h.bits_per_sample == p.bits);
                    const Image img = decode_image(tiff.data(), tiff.size(), rgb ? 3 : 1);
                    REQUIRE(img.width == 37);
                    REQUIRE(img.height == 21);
                    CHECK(img.type == (sixteen ? SampleType::UInt16 : SampleType::UInt8));
                    bool same = true;
                    for (std::size_t i = 0; i < p.values.size(); ++i) same = same && img.sample(i) == p.values[i];
                    CHECK(same);
                }
}

TEST_CASE("TIFF: packed 1-, 4- and 12-bit samples, min-is-white, float", "[decoding]") {
    SECTION("12-bit samples are kept as 16-bit values, their bits stated") {
        const TiffPage p = tiff_page(19, 7, 1, 12, 1);
        const Bytes tiff = encode_tiff({p});
        const Image img = decode_image(tiff.data(), tiff.size(), 1);
        CHECK(img.type == SampleType::UInt16);
        CHECK(img.significant_bits == 12);
        for (std::size_t i = 0; i < p.values.size(); ++i) CHECK(img.samples16[i] == p.values[i]);
    }
    SECTION("4-bit samples are scaled to 8 bits") {
        const TiffPage p = tiff_page(9, 5, 1, 4, 1);
        const Bytes tiff = encode_tiff({p});
        const Image img = decode_image(tiff.data(), tiff.size(), 1);
        CHECK(img.type == SampleType::UInt8);
        for (std::size_t i = 0; i < p.values.size(); ++i) CHECK(img.pixels[i] == (p.values[i] * 255 + 7) / 15);
    }
    SECTION("1-bit min-is-white: ink is black") {
        TiffPage p = tiff_page(11, 3, 1, 1, 0);
        const Bytes tiff = encode_tiff({p});
        const Image img = decode_image(tiff.data(), tiff.size(), 1);
        for (std::size_t i = 0; i < p.values.size(); ++i) CHECK(img.pixels[i] == (p.values[i] ? 0 : 255));
    }
    SECTION("32-bit float samples are kept as they are") {
        TiffPage p = tiff_page(6, 4, 1, 32, 1);
        p.sample_format = 3;
        for (std::size_t i = 0; i < 24; ++i) p.floats.push_back(static_cast<float>(i) * 0.37f - 2.5f);
        const Bytes tiff = encode_tiff({p});
        const Image img = decode_image(tiff.data(), tiff.size(), 1);
        CHECK(img.type == SampleType::Float32);
        CHECK(img.samplesf == p.floats);
    }
}

TEST_CASE("TIFF: palette, alpha, orientation and the stated sample range", "[decoding]") {
    SECTION("palette with a 16-bit colour map") {
        TiffPage p = tiff_page(8, 8, 1, 8, 3);
        for (int channel = 0; channel < 3; ++channel)
            for (int i = 0; i < 256; ++i) p.colormap.push_back(static_cast<std::uint16_t>((i * 257 * (channel + 1)) % 65536));
        const Bytes tiff = encode_tiff({p});
        const Image img = decode_image(tiff.data(), tiff.size(), 3);
        for (std::size_t i = 0; i < 64; ++i)
            for (int c = 0; c < 3; ++c)
                CHECK(img.pixels[i * 3 + c] == (p.colormap[c * 256 + p.values[i]] * 255u + 32767u) / 65535u);
    }
    SECTION("unassociated and associated alpha over white") {
        for (int kind : {1, 2}) {
            TiffPage p = tiff_page(5, 5, 4, 8, 2);
            p.extra_alpha = kind;
            if (kind == 1)  // associated: colour already multiplied by alpha
                for (std::size_t i = 0; i < 25; ++i)
                    for (int c = 0; c < 3; ++c) p.values[i * 4 + c] = p.values[i * 4 + c] * p.values[i * 4 + 3] / 255;
            const Bytes tiff = encode_tiff({p});
            const Image img = decode_image(tiff.data(), tiff.size(), 3);
            for (std::size_t i = 0; i < 25; ++i)
                for (int c = 0; c < 3; ++c) {
                    const double v = p.values[i * 4 + c], a = p.values[i * 4 + 3];
                    const double expected = kind == 1 ? v + 255 - a : (v * a + 255 * (255 - a)) / 255;
                    CHECK(std::abs(img.pixels[i * 3 + c] - expected) <= 0.5 + 1e-9);
                }
        }
    }
    SECTION("orientation 6 turns the page upright") {
        TiffPage p = tiff_page(6, 4, 1, 8, 1);
        p.orientation = 6;
        const Bytes tiff = encode_tiff({p});
        const Image img = decode_image(tiff.data(), tiff.size(), 1);
        CHECK(img.width == 4);
        CHECK(img.height == 6);
        // Orientation 6: stored row 0 becomes the last column, top to bottom.
        for (int x = 0; x < 6; ++x) CHECK(img.pixels[static_cast<std::size_t>(x) * 4 + 3] == p.values[x]);
    }
    SECTION("SMinSampleValue and SMaxSampleValue") {
        TiffPage p = tiff_page(4, 4, 1, 16, 1);
        p.smin = 100;
        p.smax = 4000;
        const Bytes tiff = encode_tiff({p});
        const Image img = decode_image(tiff.data(), tiff.size(), 1);
        CHECK(img.has_stated_range);
        CHECK(img.stated_min == 100);
        CHECK(img.stated_max == 4000);
    }
}

TEST_CASE("TIFF stacks: every page an image of its own, thumbnails skipped, limits", "[decoding]") {
    std::vector<TiffPage> pages;
    for (int k = 0; k < 3; ++k) {
        pages.push_back(tiff_page(10 + k, 8, 1, 16, 1));
        if (k == 0) {
            TiffPage thumbnail = tiff_page(4, 3, 1, 8, 1);
            thumbnail.reduced = 1;
            pages.push_back(thumbnail);
        }
    }
    const Bytes stack = encode_tiff(pages);
    CHECK(read_header(stack.data(), stack.size()).pages == 3);
    std::vector<int> widths, indices;
    decode_pages(stack.data(), stack.size(), 1, [&](Image&& image, int index, int count) {
        CHECK(count == 3);
        indices.push_back(index);
        widths.push_back(image.width);
    });
    CHECK(indices == std::vector<int>{0, 1, 2});
    CHECK(widths == std::vector<int>{10, 11, 12});
    CHECK_THAT(refusal(stack), Catch::Contains("has 3 pages"));
    CHECK(page_name("cells.tif", 2, 12) == "cells.tif [page 3/12]");
    CHECK(page_name("cells.tif", 0, 1) == "cells.tif");

    DecodeLimits few_pages;
    few_pages.max_pages = 2;
    CHECK_THROWS_WITH(read_header(stack.data(), stack.size(), few_pages), Catch::Contains("more than 2 pages"));
    DecodeLimits few_pixels;
    few_pixels.max_total_pixels = 200;  // 80 + 88 + 96 = 264
    CHECK_THROWS_WITH(read_header(stack.data(), stack.size(), few_pixels), Catch::Contains("more than 200 pixels"));
}

TEST_CASE("PNG: sBIT, eXIf orientation, and chunk checksums", "[decoding]") {
    std::vector<std::uint16_t> samples(12);
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<std::uint16_t>(i * 300);
    const Bytes sbit = png16_with_sbit(4, 3, samples, 12);
    const Image deep = decode_image(sbit.data(), sbit.size(), 1);
    CHECK(deep.significant_bits == 12);
    CHECK(deep.samples16 == samples);

    const Bytes plain = encode_png(6, 4, 3, pattern(6, 4, 3));
    const Image turned = decode_image(with_png_exif(plain, 8).data(), with_png_exif(plain, 8).size(), 3);
    CHECK(turned.width == 4);
    CHECK(turned.height == 6);

    // A critical chunk whose checksum fails is refused (PNG specification, 13.2); an ancillary one
    // is dropped and the image shown, as browsers do.
    CHECK_THAT(refusal(with_bad_crc(plain, "IDAT")), Catch::Contains("checksum (CRC)"));
    CHECK_THAT(refusal(with_bad_crc(plain, "IHDR")), Catch::Contains("checksum (CRC)"));
    const Bytes with_text = with_bad_crc(
        encode_png_raw(1, 1, 8, 0, Bytes{0, 77}, {{"tEXt", Bytes{'a', 0, 'b'}}}), "tEXt");
    CHECK(decode_image(with_text.data(), with_text.size(), 1).pixels == std::vector<std::uint8_t>{77});
}

TEST_CASE("BMP stored top-down holds the same pixels as bottom-up", "[decoding]") {
    for (auto [w, h] : {std::pair{5, 3}, std::pair{17, 9}}) {
        const Bytes bmp = encode_bmp(w, h, 3, pattern(w, h, 3));
        const Image a = decode_image(bmp.data(), bmp.size(), 3);
        const Bytes flipped = bmp_top_down(bmp);
        const Image b = decode_image(flipped.data(), flipped.size(), 3);
        CHECK(a.pixels == pattern(w, h, 3));
        CHECK(b.pixels == a.pixels);
    }
}

TEST_CASE("JPEG: data after the end marker, truncation, CMYK and YCCK, unsupported variants", "[decoding]") {
    const Bytes jpeg = encode_jpeg(24, 16, 3, pattern(24, 16, 3), 90);
    const Image plain = decode_image(jpeg.data(), jpeg.size(), 3);
    std::mt19937 random(7);
    for (std::size_t tail : {1u, 4096u, 300000u}) {  // a phone's motion photo appends a whole video
        Bytes longer = jpeg;
        for (std::size_t i = 0; i < tail; ++i) longer.push_back(static_cast<std::uint8_t>(random()));
        CAPTURE(tail);
        CHECK(decode_image(longer.data(), longer.size(), 3).pixels == plain.pixels);
    }
    const Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<long>(jpeg.size() * 2 / 3));
    CHECK_THAT(refusal(cut), Catch::Contains("JPEG is truncated"));

    // Adobe-inverted CMYK with no black ink (K stored as 255) shows C, M, Y as R, G, B.
    const auto rgb = pattern(16, 16, 3);
    std::vector<std::uint8_t> cmyk;
    for (std::size_t i = 0; i < 256; ++i) cmyk.insert(cmyk.end(), {rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255});
    for (bool ycck : {false, true})
        for (bool adobe : {true, false}) {
            if (ycck && !adobe) continue;  // YCCK is only recognisable by the Adobe marker
            CAPTURE(ycck, adobe);
            LibjpegOptions options;
            options.ycck = ycck;
            options.adobe_marker = adobe;
            options.full_chroma = true;
            options.quality = 100;
            const Bytes file = libjpeg_encode(16, 16, 4, cmyk, options);
            const Image img = decode_image(file.data(), file.size(), 3);
            double error = 0;
            for (std::size_t i = 0; i < rgb.size(); ++i) error += std::abs(int(img.pixels[i]) - int(rgb[i]));
            CHECK(error / rgb.size() < 3.0);  // quality 100: a level or two of rounding
            CHECK_THAT(img.notes.at(0), Catch::Contains(ycck ? "YCCK converted to RGB" : "CMYK converted to RGB"));
        }

    Bytes twelve = jpeg, lossless = jpeg;
    for (std::size_t i = 2; i + 4 < jpeg.size(); ++i)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
            twelve[i + 4] = 12;
            lossless[i + 1] = 0xC3;
            break;
        }
    CHECK_THAT(refusal(twelve), Catch::Contains("12-bit JPEG is not supported"));
    CHECK_THAT(refusal(lossless), Catch::Contains("lossless JPEG (SOF3) is not supported"));
}

TEST_CASE("TGA is recognised only by a consistent header and size; nothing else is", "[decoding]") {
    const Bytes tga = encode_tga(7, 5, 3, pattern(7, 5, 3));  // stb writes run-length packets
    CHECK(decode_image(tga.data(), tga.size(), 3).pixels == pattern(7, 5, 3));
    Bytes footer = tga;
    const Bytes signature = {0, 0, 0, 0, 0, 0, 0, 0, 'T', 'R', 'U', 'E', 'V', 'I', 'S', 'I', 'O', 'N',
                             '-', 'X', 'F', 'I', 'L', 'E', '.', 0};
    footer.insert(footer.end(), signature.begin(), signature.end());
    CHECK(decode_image(footer.data(), footer.size(), 3).pixels == pattern(7, 5, 3));
    Bytes junk = tga;
    junk.insert(junk.end(), 100, 0x11);
    CHECK_THAT(refusal(junk), Catch::StartsWith("not an image"));

    // Headerless sensor data, text, noise: none may pass for a TGA.
    std::mt19937 random(11);
    int accepted = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        Bytes noise(static_cast<std::size_t>(18 + random() % 9000));
        const bool camera = trial % 2 == 0;  // little-endian 12-bit samples, like a raw dark frame
        for (std::size_t i = 0; i < noise.size(); ++i)
            noise[i] = camera ? static_cast<std::uint8_t>(i % 2 ? random() % 16 : random()) : static_cast<std::uint8_t>(random());
        if (refusal(noise).rfind("not an image", 0) != 0) ++accepted;
    }
    CHECK(accepted == 0);
}

TEST_CASE("a file is judged from its first bytes before it is read whole", "[decoding]") {
    const std::string text = "just some text, 1.5 GB of it";
    const Bytes start(text.begin(), text.end());
    CHECK_THROWS_WITH(check_file_start(start.data(), start.size(), 1500000000ull), Catch::StartsWith("not an image"));
    CHECK_THROWS_WITH(check_file_start(start.data(), start.size(), 3000000000ull), Catch::Contains("larger than 2 GiB"));
    const Bytes huge = png_header_only(100000, 100000);
    CHECK_THROWS_WITH(check_file_start(huge.data(), 64, 1500000000ull), Catch::Contains("over the limit"));
    const Bytes jpeg = encode_jpeg(24, 16, 3, pattern(24, 16, 3), 90);
    CHECK_NOTHROW(check_file_start(jpeg.data(), 40, 5000000));  // the frame header lies further on
    CHECK_NOTHROW(check_file_start(jpeg.data(), jpeg.size(), jpeg.size()));
}
