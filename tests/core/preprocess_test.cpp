#include <catch2/catch.hpp>
#include <cmath>

#include "error.h"
#include "preprocess.h"
#include "test_images.h"

using namespace stratum;
using stratum_test::solid;

TEST_CASE("CHW layout and the [-1, 1] range", "[preprocess]") {
    Image img;
    img.width = 2;
    img.height = 1;
    img.channels = 3;
    img.pixels = {0, 255, 51, 255, 0, 102};  // pixel 0 = (0, 255, 51), pixel 1 = (255, 0, 102)
    const std::vector<float> chw = to_chw_float(img);
    REQUIRE(chw.size() == 6);
    // plane R: pixels 0,1; plane G; plane B
    CHECK(chw[0] == -1.0f);
    CHECK(chw[1] == 1.0f);
    CHECK(chw[2] == 1.0f);
    CHECK(chw[3] == -1.0f);
    CHECK(chw[4] == Approx(51 / 127.5 - 1).epsilon(1e-6));
    CHECK(chw[5] == Approx(102 / 127.5 - 1).epsilon(1e-6));
}

TEST_CASE("resizing keeps flat images flat in both directions", "[preprocess]") {
    for (auto [w, h] : {std::pair{100, 60}, std::pair{7, 5}}) {
        const Image out = resize_image(solid(w, h, 3, 77), 32, 32);
        CHECK(out.width == 32);
        CHECK(out.height == 32);
        for (std::uint8_t v : out.pixels) CHECK(v == 77);
    }
}

TEST_CASE("same size is an exact copy", "[preprocess]") {
    Image img;
    img.width = 8;
    img.height = 4;
    img.channels = 3;
    img.pixels = stratum_test::pattern(8, 4, 3);
    CHECK(resize_image(img, 8, 4).pixels == img.pixels);
}

TEST_CASE("centre crop takes the middle of a wide image", "[preprocess]") {
    // A 6x2 image: left third black, middle third white, right third black. Cropping to 2x2 keeps
    // the white middle; stretching averages everything into grey.
    Image img;
    img.width = 6;
    img.height = 2;
    img.channels = 1;
    img.pixels = {0, 0, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0};
    const Image crop = resize_image(img, 2, 2, Fit::CenterCrop);
    for (std::uint8_t v : crop.pixels) CHECK(v == 255);
    const Image stretch = resize_image(img, 2, 2, Fit::Stretch);
    for (std::uint8_t v : stretch.pixels) CHECK(v < 255);

    // The same holds for a tall image.
    Image tall = img;
    tall.width = 2;
    tall.height = 6;
    tall.pixels = {0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0};
    for (std::uint8_t v : resize_image(tall, 2, 2, Fit::CenterCrop).pixels) CHECK(v == 255);
}

TEST_CASE("downscaling averages a fine checkerboard to mid grey", "[preprocess]") {
    Image img;
    img.width = 64;
    img.height = 64;
    img.channels = 1;
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) img.pixels.push_back((x + y) % 2 ? 255 : 0);
    const Image out = resize_image(img, 8, 8);
    // Point sampling would give 0 or 255. Mitchell's weights over even and odd pixels differ a little
    // (its kernel is not a box), so the mean lands within a few levels of 127.5, not exactly on it.
    for (std::uint8_t v : out.pixels) CHECK(std::abs(int(v) - 128) <= 8);
}

TEST_CASE("large reductions (block average, then the filter) follow a gradient", "[preprocess]") {
    // 2000 x 1500, value rising left to right; centre crop to 1500 x 1500, then 32 x 32 (a 47x reduction).
    Image img = solid(2000, 1500, 1, 0);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) img.pixels[static_cast<std::size_t>(y) * img.width + x] = static_cast<std::uint8_t>(x * 255 / 1999);
    const Image out = resize_image(img, 32, 32);
    for (int y : {0, 15, 31})
        for (int x = 0; x < 32; ++x) {
            // The crop starts at column 250: the mean of output column x's source columns.
            const double source_x = 250 + (x + 0.5) * 1500.0 / 32;
            const double expected = source_x * 255.0 / 1999;
            INFO("x " << x << " y " << y);
            CHECK(std::abs(out.pixels[static_cast<std::size_t>(y) * 32 + x] - expected) <= 2.0);
        }
    CHECK(resize_image(solid(4000, 3000, 3, 77), 32, 32).pixels == solid(32, 32, 3, 77).pixels);
}

TEST_CASE("preprocess checks its inputs", "[preprocess]") {
    CHECK_THROWS_AS(resize_image(solid(4, 4, 3, 0), 0, 4), Error);
    CHECK_THROWS_AS(resize_image(Image{}, 4, 4), Error);
    CHECK_THROWS_WITH(parse_fit("zoom"), Catch::Contains("unknown fit"));
    CHECK(parse_fit(fit_name(Fit::Stretch)) == Fit::Stretch);
    InputSpec spec;
    spec.channels = 1;
    CHECK_THROWS_AS(preprocess(solid(4, 4, 3, 0), spec), Error);
    spec.channels = 3;
    spec.width = 3;
    spec.height = 2;
    CHECK(preprocess(solid(9, 6, 3, 0), spec).size() == 3u * 2 * 3);
}

TEST_CASE("the intensity window maps samples to [-1, 1] in every depth, unclamped", "[preprocess]") {
    Image deep;
    deep.width = 4;
    deep.height = 1;
    deep.channels = 1;
    deep.type = SampleType::UInt16;
    deep.samples16 = {0, 1000, 4095, 8190};
    // As stored: 0 -> -1, 4095 -> 1, twice the window's top -> 3.
    const std::vector<float> raw = to_chw_float(deep, {0, 4095, SampleType::Float32});
    CHECK(raw[0] == -1.0f);
    CHECK(raw[1] == Approx(2.0 * 1000 / 4095 - 1).epsilon(1e-6));
    CHECK(raw[2] == Approx(1.0).epsilon(1e-6));
    CHECK(raw[3] == Approx(3.0).epsilon(1e-6));
    // In 8-bit units a 16-bit sample is divided by 257: 65535 -> 255 -> 1.
    deep.samples16 = {0, 257 * 51, 65535, 32768};
    const std::vector<float> eight = to_chw_float(deep, IntensityWindow{});
    CHECK(eight[1] == Approx(51 / 127.5 - 1).epsilon(1e-6));
    CHECK(eight[2] == Approx(1.0).epsilon(1e-6));
    // An 8-bit image under a 16-bit window: x 257.
    Image light;
    light.width = light.height = light.channels = 1;
    light.pixels = {255};
    CHECK(to_chw_float(light, {0, 65535, SampleType::UInt16})[0] == Approx(1.0).epsilon(1e-6));

    CHECK(window_text({0, 4095, SampleType::Float32}) == "0:4095 (as stored)");
    CHECK(parse_window("100:3000", SampleType::Float32, "--input-range") == IntensityWindow{100, 3000, SampleType::Float32});
    for (const char* bad : {"3000:100", "12", "a:b", "0:", "0:1x"})
        CHECK_THROWS_WITH(parse_window(bad, SampleType::Float32, "--input-range"),
                          Catch::StartsWith("--input-range \"") && Catch::Contains("expected LO:HI"));
}

TEST_CASE("window notes: samples outside, and images too dark for the window", "[preprocess]") {
    Image img;
    img.width = 10;
    img.height = 1;
    img.channels = 1;
    img.type = SampleType::UInt16;
    img.samples16 = {0, 10, 20, 30, 40, 50, 60, 70, 5000, 6000};
    const IntensityWindow window{0, 4095, SampleType::Float32};
    const WindowFit fit = fit_in_window(img, window);
    CHECK(fit.above == Approx(0.2));
    CHECK(fit.below == 0);
    CHECK(window_note(fit, window) == "20.0 % of samples above the intensity window 0:4095 (as stored)");
    img.samples16 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 200};
    CHECK(window_note(fit_in_window(img, window), window) ==
          "dark for the intensity window 0:4095 (as stored): the brightest sample is 200");
    // Under the 8-bit default, a 16-bit file of 12-bit data gets the flag that fixes it.
    img.samples16 = {0, 4095};
    CHECK(window_note(fit_in_window(img, IntensityWindow{}), IntensityWindow{}) ==
          "dark for the intensity window 0:255 (8-bit): the brightest sample is 15.9339 (4095 as stored: 12-bit "
          "data? score with --input-range 0:4095)");
    img.samples16 = {0, 65535};
    CHECK(window_note(fit_in_window(img, IntensityWindow{}), IntensityWindow{}).empty());
}

TEST_CASE("the window a training set implies", "[preprocess]") {
    auto grey16 = [](std::vector<std::uint16_t> v, int bits) {
        Image img;
        img.width = static_cast<int>(v.size());
        img.height = img.channels = 1;
        img.type = SampleType::UInt16;
        img.samples16 = std::move(v);
        img.significant_bits = bits;
        return img;
    };
    Image eight;
    eight.width = eight.height = eight.channels = 1;
    eight.pixels = {7};
    CHECK(choose_window({eight}).window == IntensityWindow{});
    const ChosenWindow stated = choose_window({grey16({0, 4000}, 12), grey16({5, 4095}, 12)});
    CHECK(stated.window == IntensityWindow{0, 4095, SampleType::UInt16});
    CHECK_THAT(stated.source, Catch::Contains("12 significant bits"));
    // A file whose samples exceed its stated bits (scaled to 16 bits, as PNG asks): fitted instead.
    const ChosenWindow fitted = choose_window({grey16({100, 40000}, 12), grey16({300, 900}, 0)});
    CHECK(fitted.window == IntensityWindow{100, 40000, SampleType::UInt16});
    CHECK_THAT(fitted.source, Catch::StartsWith("fitted"));
    Image ranged = grey16({10, 20}, 0);
    ranged.has_stated_range = true;
    ranged.stated_min = 0;
    ranged.stated_max = 1000;
    CHECK(choose_window({ranged, ranged}).window == IntensityWindow{0, 1000, SampleType::Float32});
    CHECK_THROWS_WITH(choose_window({grey16({5, 5}, 0)}), Catch::Contains("single intensity value"));
}
