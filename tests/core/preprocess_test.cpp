#include <catch2/catch.hpp>
#include <cmath>

#include "error.h"
#include "preprocess.h"
#include "test_images.h"

using namespace stratum;

namespace {
Image solid(int w, int h, int channels, std::uint8_t value) {
    Image img;
    img.width = w;
    img.height = h;
    img.channels = channels;
    img.pixels.assign(static_cast<std::size_t>(w) * h * channels, value);
    return img;
}
}  // namespace

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
