// The decoding cases of tests/core/cases/decoding (README there): files that failed before the
// decoders moved to libpng, libjpeg-turbo and libtiff, each against its twin holding the same
// pixels. The kinds they stand for are tested with generated files in decoding_kinds_test.cpp.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "error.h"
#include "image.h"
#include "preprocess.h"

using namespace stratum;

namespace {

#ifndef STRATUM_DECODING_CASES
#error "STRATUM_DECODING_CASES: the folder of the decoding cases"
#endif

std::vector<std::uint8_t> read_case(const std::string& name) {
    std::ifstream in(std::string(STRATUM_DECODING_CASES) + "/" + name, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Image decode_case(const std::string& name, int channels = 3) {
    const auto bytes = read_case(name);
    return decode_image(bytes.data(), bytes.size(), channels);
}

std::string refusal(const std::string& name) {
    const auto bytes = read_case(name);
    try {
        decode_image(bytes.data(), bytes.size(), 3);
    } catch (const Error& e) {
        return e.what();
    }
    return "(decoded)";
}

// Mean and largest absolute difference of two 8-bit images of the same size.
std::pair<double, int> difference(const Image& a, const Image& b) {
    REQUIRE(a.width == b.width);
    REQUIRE(a.height == b.height);
    REQUIRE(a.pixels.size() == b.pixels.size());
    double sum = 0;
    int largest = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) {
        const int d = std::abs(int(a.pixels[i]) - int(b.pixels[i]));
        sum += d;
        largest = std::max(largest, d);
    }
    return {sum / a.pixels.size(), largest};
}

}  // namespace

TEST_CASE("a top-down BMP holds the pixels of its bottom-up twin", "[decoding_cases]") {
    CHECK(decode_case("top_down24.bmp").pixels == decode_case("bottom_up24.bmp").pixels);
}

TEST_CASE("data after a JPEG's end marker is ignored", "[decoding_cases]") {
    CHECK(decode_case("motion_photo.jpg").pixels == decode_case("plain.jpg").pixels);
}

TEST_CASE("an arithmetic-coded JPEG decodes to its Huffman-coded twin's pixels", "[decoding_cases]") {
    // The entropy coding is lossless: the same coefficients give the same pixels.
    CHECK(decode_case("arithmetic.jpg").pixels == decode_case("baseline.jpg").pixels);
}

TEST_CASE("CMYK JPEGs show the colours of their RGB twin, with or without an Adobe marker", "[decoding_cases]") {
    const Image control = decode_case("rgb_control.jpg");
    for (const char* name : {"cmyk_adobe.jpg", "cmyk_noadobe.jpg"}) {
        INFO(name);
        const Image cmyk = decode_case(name);
        const auto [mean, largest] = difference(cmyk, control);
        // Two lossy encodings of one picture in different colour models: a few levels apart. Read
        // the wrong way round (not inverted) the colours would differ by about half the range.
        CHECK(mean < 6.0);
        CAPTURE(mean, largest);
        REQUIRE(!cmyk.notes.empty());
        CHECK_THAT(cmyk.notes[0], Catch::Contains("CMYK converted to RGB"));
    }
}

TEST_CASE("a headerless raw camera frame is not taken for a TGA", "[decoding_cases]") {
    CHECK_THAT(refusal("dark_frame_0001.raw"), Catch::StartsWith("not an image"));
}

TEST_CASE("an RLE BMP is refused with a reason naming RLE", "[decoding_cases]") {
    CHECK_THAT(refusal("rle8.bmp"), Catch::Contains("RLE-compressed BMP (RLE8) is not supported"));
    CHECK_NOTHROW(decode_case("rle8_same_pixels.png"));
}

TEST_CASE("PNGs that a browser draws alike decode alike (alpha over white)", "[decoding_cases]") {
    const Image black = decode_case("cutout_transparent_black.png");
    const Image white = decode_case("cutout_transparent_white.png");
    CHECK(black.pixels == white.pixels);
    CHECK(black.notes == std::vector<std::string>{"alpha composited over white"});
}

TEST_CASE("12-bit data in a 16-bit PNG matches its 8-bit twin through the 12-bit window", "[decoding_cases]") {
    const Image deep = decode_case("gray16_12bit_data.png", 1);
    const Image control = decode_case("gray8_control.png", 1);
    REQUIRE(deep.type == SampleType::UInt16);
    // The twin holds the same samples rounded to 8 bits: round(v 255 / 4095).
    REQUIRE(deep.samples16.size() == control.pixels.size());
    for (std::size_t i = 0; i < control.pixels.size(); ++i)
        CHECK(std::lround(deep.samples16[i] * 255.0 / 4095) == control.pixels[i]);
    InputSpec spec;
    spec.channels = 1;
    spec.width = spec.height = 32;
    const std::vector<float> reference = preprocess(control, spec);
    spec.window = {0, 4095, SampleType::Float32};  // the file's own values, as --input-range 0:4095 gives
    const std::vector<float> windowed = preprocess(deep, spec);
    REQUIRE(windowed.size() == reference.size());
    double largest = 0;
    for (std::size_t i = 0; i < windowed.size(); ++i) largest = std::max(largest, double(std::abs(windowed[i] - reference[i])));
    // Within rounding: the twin's half level, through the 2x Mitchell filter (sum of absolute weights
    // under 1.1), plus the half level its 8-bit resize rounds to: at most 1.05 levels, a level being
    // 2/255 in [-1, 1].
    CHECK(largest <= 1.05 * 2 / 255);

    // Under the 8-bit default window the same file is dark, and the note says what to do.
    const WindowFit fit = fit_in_window(deep, IntensityWindow{});
    CHECK_THAT(window_note(fit, IntensityWindow{}), Catch::Contains("dark for the intensity window 0:255 (8-bit)") &&
                                                        Catch::Contains("--input-range 0:4095"));
}

TEST_CASE("files are recognised by their content, whatever their extension", "[decoding_cases]") {
    const std::string folder = "folder-mixed-extensions/";
    const Image png = decode_case(folder + "reference.png");
    for (const char* name : {"noextension", "png_named.jpg"}) {
        INFO(name);
        CHECK(decode_case(folder + name).pixels == png.pixels);
    }
    const Image jpeg = decode_case(folder + "camera.jfif");
    for (const char* name : {"camera.jpe", "jpeg_named.png"}) {
        INFO(name);
        CHECK(decode_case(folder + name).pixels == jpeg.pixels);
    }
    for (const char* name : {"microscope.tif", "microscope2.TIFF"}) {
        INFO(name);
        const auto bytes = read_case(folder + name);
        CHECK(read_header(bytes.data(), bytes.size()).format == "TIFF");
        const Image tiff = decode_case(folder + name);
        CHECK(tiff.width == 64);
        CHECK(tiff.height == 64);
    }
}
