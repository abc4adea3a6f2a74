#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "error.h"
#include "image.h"
#include "test_images.h"

using namespace stratum;
using namespace stratum_test;

namespace {
Image decode(const Bytes& b, int channels, DecodeLimits limits = {}) {
    return decode_image(b.data(), b.size(), channels, limits);
}
std::string decode_error(const Bytes& b, int channels = 3, DecodeLimits limits = {}) {
    try {
        decode(b, channels, limits);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("lossless formats decode to the exact pixels", "[image]") {
    const auto rgb = pattern(5, 3, 3);
    for (const auto& [name, bytes] : {std::pair<std::string, Bytes>{"PNG", encode_png(5, 3, 3, rgb)},
                                      {"BMP", encode_bmp(5, 3, 3, rgb)},
                                      {"TGA", encode_tga(5, 3, 3, rgb)}}) {
        INFO(name);
        const Image img = decode(bytes, 3);
        CHECK(img.width == 5);
        CHECK(img.height == 3);
        CHECK(img.channels == 3);
        CHECK(img.pixels == rgb);
        CHECK(read_header(bytes.data(), bytes.size()).format == name);
    }
}

TEST_CASE("JPEG decodes close to its source", "[image]") {
    std::vector<std::uint8_t> flat(16 * 16 * 3);
    for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<std::uint8_t>(i % 3 == 0 ? 200 : 60);
    const Bytes jpg = encode_jpeg(16, 16, 3, flat, 95);
    const Image img = decode(jpg, 3);
    REQUIRE(img.pixels.size() == flat.size());
    for (std::size_t i = 0; i < flat.size(); ++i) CHECK(std::abs(int(img.pixels[i]) - int(flat[i])) <= 8);
}

TEST_CASE("gray, gray+alpha and RGBA become the channels the model needs", "[image]") {
    const auto gray = pattern(4, 4, 1);
    const Image as_rgb = decode(encode_png(4, 4, 1, gray), 3);
    for (std::size_t i = 0; i < gray.size(); ++i) {
        CHECK(as_rgb.pixels[i * 3 + 0] == gray[i]);
        CHECK(as_rgb.pixels[i * 3 + 1] == gray[i]);
        CHECK(as_rgb.pixels[i * 3 + 2] == gray[i]);
    }
    const auto ga = pattern(4, 4, 2);
    // Alpha is composited over white, as a browser shows the image on a white page:
    // round((c a + 255 (255 - a)) / 255).
    auto over_white = [](int c, int a) { return static_cast<std::uint8_t>(std::lround((c * a + 255.0 * (255 - a)) / 255.0)); };
    const Image ga_gray = decode(encode_png(4, 4, 2, ga), 1);
    for (std::size_t i = 0; i < 16; ++i) CHECK(ga_gray.pixels[i] == over_white(ga[i * 2], ga[i * 2 + 1]));

    const auto rgba = pattern(4, 4, 4);
    const Image rgb = decode(encode_png(4, 4, 4, rgba), 3);
    for (std::size_t i = 0; i < 16; ++i)
        for (int c = 0; c < 3; ++c) CHECK(rgb.pixels[i * 3 + c] == over_white(rgba[i * 4 + c], rgba[i * 4 + 3]));
    CHECK(rgb.notes == std::vector<std::string>{"alpha composited over white"});

    // RGB to gray: ITU-R 601 luma in stb's integer form (77 R + 150 G + 29 B) >> 8.
    const std::vector<std::uint8_t> one = {200, 100, 50};
    const Image g = decode(encode_png(1, 1, 3, one), 1);
    CHECK(int(g.pixels[0]) == (77 * 200 + 150 * 100 + 29 * 50) >> 8);
}

TEST_CASE("16-bit PNG samples are kept as 16-bit values", "[image]") {
    const std::vector<std::uint16_t> samples = {0, 65535, 0x8000, 0x1234, 0xFF00, 0x00FF};
    const Bytes png = encode_png16(2, 1, 3, samples);
    const ImageHeader header = read_header(png.data(), png.size());
    CHECK(header.bits_per_sample == 16);
    const Image img = decode(png, 3);
    CHECK(img.type == SampleType::UInt16);
    CHECK(img.pixels.empty());
    CHECK(img.samples16 == samples);

    const Image gray16 = decode(encode_png16(1, 1, 1, {0xABCD}), 1);
    CHECK(gray16.samples16 == std::vector<std::uint16_t>{0xABCD});
}

TEST_CASE("GIF gives its first frame", "[image]") {
    const Bytes gif = two_frame_gif();
    CHECK(read_header(gif.data(), gif.size()).format == "GIF");
    const Image img = decode(gif, 3);
    REQUIRE(img.width == 2);
    REQUIRE(img.height == 2);
    const std::vector<std::uint8_t> first = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
    CHECK(img.pixels == first);
}

TEST_CASE("bad input is refused with a specific message", "[image]") {
    CHECK_THAT(decode_error({}), Catch::Contains("empty file"));
    const Bytes text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'};
    CHECK_THAT(decode_error(text), Catch::Contains("not an image"));

    const Bytes png = encode_png(16, 16, 3, pattern(16, 16, 3));
    const Bytes cut_png(png.begin(), png.begin() + png.size() / 2);
    CHECK_THAT(decode_error(cut_png), Catch::Contains("PNG is truncated"));
    const Bytes cut_header(png.begin(), png.begin() + 12);
    CHECK_THAT(decode_error(cut_header), Catch::Contains("PNG header is unreadable or truncated"));

    const Bytes jpg = encode_jpeg(32, 32, 3, pattern(32, 32, 3), 90);
    const Bytes cut_jpg(jpg.begin(), jpg.begin() + jpg.size() * 2 / 3);
    CHECK_THAT(decode_error(cut_jpg), Catch::Contains("JPEG is truncated"));
}

TEST_CASE("a JPEG Huffman table with more than 256 codes is refused", "[image]") {
    // stb_image 2.27 wrote past its table for such a file (found by fuzz/decode_fuzz under UBSan).
    std::vector<std::uint8_t> pixels(16 * 16 * 3, 128);
    Bytes jpeg = encode_jpeg(16, 16, 3, pixels, 90);
    REQUIRE_NOTHROW(decode_image(jpeg.data(), jpeg.size(), 3));
    std::size_t dht = 0;
    for (std::size_t i = 2; i + 1 < jpeg.size(); ++i)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC4) {
            dht = i;
            break;
        }
    REQUIRE(dht > 0);
    jpeg[dht + 4 + 1 + 15] = 255;  // the first table's count of 16-bit codes: now over 256 in all
    CHECK_THROWS_WITH(decode_image(jpeg.data(), jpeg.size(), 3), Catch::Contains("Huffman table"));
}

#ifdef STRATUM_FUZZ_CORPUS  // native builds: the files the fuzzers found stay refused, with the reason
TEST_CASE("every JPEG the decode fuzzer found is refused with a reason", "[image]") {
    // Found against stb_image's JPEG decoder (now libjpeg-turbo's); each must still be refused cleanly.
    int seen = 0;
    for (const auto& entry : std::filesystem::directory_iterator(STRATUM_FUZZ_CORPUS "/decode_fuzz")) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("regression-huffman", 0) != 0) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        INFO(name);
        CHECK_THROWS_WITH(decode_image(bytes.data(), bytes.size(), 3),
                          Catch::Contains("JPEG") || Catch::Contains("not an image"));
        ++seen;
    }
    CHECK(seen >= 5);
}
#endif

TEST_CASE("a JPEG's EXIF orientation turns its pixels upright", "[image]") {
    const int w = 24, h = 16;
    const Bytes plain = encode_jpeg(w, h, 3, pattern(w, h, 3), 90);
    const Image stored = decode(plain, 3);
    auto at = [](const Image& img, int x, int y) {
        return std::vector<std::uint8_t>(img.pixels.begin() + (static_cast<long>(y) * img.width + x) * img.channels,
                                         img.pixels.begin() + (static_cast<long>(y) * img.width + x + 1) * img.channels);
    };
    // Where stored pixel (x, y) lands for each orientation, by the EXIF 2.3 definitions.
    auto expected_position = [&](int o, int x, int y) -> std::pair<int, int> {
        switch (o) {
            case 2: return {w - 1 - x, y};
            case 3: return {w - 1 - x, h - 1 - y};
            case 4: return {x, h - 1 - y};
            case 5: return {y, x};
            case 6: return {h - 1 - y, x};   // 90 degrees clockwise
            case 7: return {h - 1 - y, w - 1 - x};
            case 8: return {y, w - 1 - x};   // 90 degrees counter-clockwise
            default: return {x, y};
        }
    };
    for (int o = 1; o <= 8; ++o)
        for (bool little : {true, false}) {
            CAPTURE(o, little);
            const Image upright = decode(with_exif_orientation(plain, o, little), 3);
            CHECK(upright.width == (o >= 5 ? h : w));
            CHECK(upright.height == (o >= 5 ? w : h));
            for (auto [x, y] : {std::pair{0, 0}, std::pair{w - 1, 0}, std::pair{3, h - 1}, std::pair{17, 5}}) {
                const auto [ux, uy] = expected_position(o, x, y);
                CHECK(at(upright, ux, uy) == at(stored, x, y));
            }
        }
    // Out-of-range or malformed tags leave the pixels as stored.
    CHECK(decode(with_exif_orientation(plain, 9, true), 3).pixels == stored.pixels);
    Bytes cut = with_exif_orientation(plain, 6, true);
    cut[5] = 12;  // APP1 length too short to hold the IFD
    CHECK(decode(cut, 3).width == w);
}

TEST_CASE("images over the pixel limit are refused from the header alone", "[image]") {
    // 100000 x 100000 would need 30 GB; the header is all there is, so only the limit can refuse it.
    const Bytes huge = png_header_only(100000, 100000);
    CHECK_THROWS_WITH(read_header(huge.data(), huge.size()), Catch::Contains("100000x100000") &&
                                                             Catch::Contains("over the limit"));
    CHECK_THAT(decode_error(huge), Catch::Contains("100000x100000") && Catch::Contains("over the limit of 150000000"));

    // The limit is a parameter: a small image passes the default and fails a tighter one.
    const Bytes small = encode_png(10, 10, 3, pattern(10, 10, 3));
    CHECK_NOTHROW(decode(small, 3));
    DecodeLimits tight;
    tight.max_pixels = 99;
    CHECK_THAT(decode_error(small, 3, tight), Catch::Contains("100 pixels"));
    tight.max_pixels = 100;
    CHECK_NOTHROW(decode(small, 3, tight));
    // Every format's size is read from its header before a decoder starts.
    tight.max_pixels = 99;
    CHECK_THAT(decode_error(encode_bmp(10, 10, 3, pattern(10, 10, 3)), 3, tight), Catch::Contains("BMP is 10x10"));
    CHECK_THAT(decode_error(encode_jpeg(10, 10, 3, pattern(10, 10, 3), 90), 3, tight),
               Catch::Contains("JPEG is 10x10"));
    CHECK_THAT(decode_error(two_frame_gif(), 3, DecodeLimits{3}), Catch::Contains("GIF is 2x2"));
    CHECK_THAT(decode_error(encode_tga(10, 10, 3, pattern(10, 10, 3)), 3, tight), Catch::Contains("TGA is 10x10"));
}
