// Anomaly maps (src/core/anomaly_map.h) and their part of the model card. Oracles: hand-computed
// values, torch's documented bilinear interpolation (align_corners=False) worked out by hand, and
// geometry from the crop rule stated in preprocess.h.
#include <catch2/catch.hpp>
#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "anomaly_map.h"
#include "error.h"
#include "model_card.h"
#include "test_images.h"

using namespace stratum;
using stratum_test::solid;

namespace {

MapSpec two_by_two() {
    MapSpec m;
    m.name = "feature_2";
    m.output = "map_feature_2";
    m.description = "test";
    m.width = m.height = 2;
    m.median = {1.0, 2.0, 3.0, 4.0};
    m.spread = {0.5, 1.0, 2.0, 4.0};
    m.threshold = 3.0;
    return m;
}

InputSpec input(int size, int channels = 3) {
    InputSpec s;
    s.width = s.height = size;
    s.channels = channels;
    return s;
}

ModelCard card_with_maps() {
    ModelCard card;
    card.name = "maps";
    card.model_file = "encoder.onnx";
    card.latent_size = 2;
    card.calibration = calibrate({1, 2, 3});
    card.input = input(4);
    MapSpec pixel = two_by_two();
    pixel.name = "pixel";
    pixel.output = "map_pixel";
    card.maps = {pixel, two_by_two()};
    card.default_map = "feature_2";
    return card;
}

}  // namespace

TEST_CASE("each position is calibrated against its own training statistics", "[anomaly_map]") {
    const float raw[4] = {1.0f, 3.0f, 9.0f, 0.0f};
    const std::vector<float> z = calibrate_map(raw, 4, two_by_two());
    CHECK(z[0] == 0.0f);            // at the median
    CHECK(z[1] == 1.0f);            // (3 - 2) / 1
    CHECK(z[2] == 3.0f);            // (9 - 3) / 2
    CHECK(z[3] == -1.0f);           // (0 - 4) / 4
    CHECK_THROWS_AS(calibrate_map(raw, 3, two_by_two()), Error);
    const float bad[4] = {1.0f, std::nanf(""), 0.0f, 0.0f};
    CHECK_THROWS_WITH(calibrate_map(bad, 4, two_by_two()), Catch::Contains("not finite"));
}

TEST_CASE("upsampling is torch's bilinear with half-pixel centres", "[anomaly_map]") {
    // torch.nn.functional.interpolate([[0, 1], [2, 3]], size=4, mode="bilinear", align_corners=False):
    const std::vector<float> expected{0.0f, 0.25f, 0.75f, 1.0f, 0.5f, 0.75f, 1.25f, 1.5f,
                                      1.5f, 1.75f, 2.25f, 2.5f, 2.0f, 2.25f, 2.75f, 3.0f};
    const std::vector<float> up = upsample_map({0, 1, 2, 3}, 2, 2, 4, 4);
    REQUIRE(up.size() == expected.size());
    for (std::size_t i = 0; i < up.size(); ++i) CHECK(up[i] == Approx(expected[i]).margin(1e-6));
    CHECK(upsample_map({5, 6}, 2, 1, 2, 1) == std::vector<float>{5, 6});
    CHECK_THROWS_AS(upsample_map({1, 2, 3}, 2, 2, 4, 4), Error);
    // map_at_input: calibration, then the input size.
    const float raw[4] = {1.0f, 2.0f, 3.0f, 4.0f};  // every position at its median
    for (float v : map_at_input(raw, 4, two_by_two(), input(4))) CHECK(v == 0.0f);
}

TEST_CASE("one colour scale, anchored at the threshold", "[anomaly_map]") {
    CHECK(map_colour(0.0, 2.0).a == 0);
    CHECK(map_colour(0.99, 2.0).a == 0);  // below half the threshold: not painted
    const MapColour at = map_colour(2.0, 2.0);
    CHECK((at.r == 255 && at.g == 230 && at.b == 0 && at.a == 190));
    const MapColour same = map_colour(6.0, 6.0);  // the same ratio: the same colour, whatever the map
    CHECK((same.r == at.r && same.g == at.g && same.b == at.b && same.a == at.a));
    const MapColour far = map_colour(100.0, 2.0);
    CHECK((far.r == 230 && far.g == 20 && far.b == 20 && far.a == 235));
    int last = -1;
    for (double u = 0.5; u <= 2.5; u += 0.05) {  // opacity never falls as the value rises
        CHECK(map_colour(u, 1.0).a >= last);
        last = map_colour(u, 1.0).a;
    }
    CHECK(map_colour(std::nan(""), 1.0).a == 0);
}

TEST_CASE("the view keeps the image's aspect and marks the model's crop", "[anomaly_map]") {
    // 100 x 50, centre crop for a square input: the middle 50 x 50 (x from 25).
    const MapView v = make_map_view(solid(100, 50, 1, 90), input(32), 256);
    CHECK(v.image.width == 256);
    CHECK(v.image.height == 128);
    CHECK(v.image.channels == 3);
    CHECK(v.crop_x == Approx(64.0));
    CHECK(v.crop_width == Approx(128.0));
    CHECK(v.crop_y == 0.0);
    CHECK(v.crop_height == Approx(128.0));
    for (std::uint8_t p : v.image.pixels) CHECK(p == 90);
    InputSpec stretch = input(32);
    stretch.fit = Fit::Stretch;
    const MapView s = make_map_view(solid(100, 50, 3, 10), stretch, 64);
    CHECK((s.crop_x == 0.0 && s.crop_width == Approx(64.0) && s.crop_height == Approx(32.0)));
    CHECK_THROWS_AS(make_map_view(solid(10, 10, 3, 0), input(32), 4), Error);
}

TEST_CASE("the overlay paints inside the crop only, dims outside, and follows the opacity", "[anomaly_map]") {
    const MapView v = make_map_view(solid(100, 50, 3, 200), input(4), 100);
    const std::vector<float> calm(16, 0.0f), hot(16, 100.0f);
    const Image quiet = overlay_map(v, calm, input(4), 2.0, 1.0);
    const Image loud = overlay_map(v, hot, input(4), 2.0, 1.0);
    const Image none = overlay_map(v, hot, input(4), 2.0, 0.0);
    auto px = [](const Image& img, int x, int y) { return &img.pixels[(static_cast<std::size_t>(y) * img.width + x) * 3]; };
    CHECK(px(quiet, 10, 10)[0] == 100);  // outside the crop (x < 25): dimmed to half
    CHECK(px(quiet, 50, 25)[0] == 200);  // inside, below threshold: unchanged
    // inside, far above: red at alpha 235/255 over 200
    CHECK(px(loud, 50, 25)[0] == static_cast<int>(200 * (1 - 235 / 255.0) + 230 * 235 / 255.0 + 0.5));
    CHECK(px(loud, 50, 25)[1] == static_cast<int>(200 * (1 - 235 / 255.0) + 20 * 235 / 255.0 + 0.5));
    CHECK(px(none, 50, 25)[1] == 200);
    CHECK_THROWS_AS(overlay_map(v, std::vector<float>(15, 0.0f), input(4), 2.0, 1.0), Error);
}

TEST_CASE("the reconstruction is drawn into the crop through the inverse of the input mapping", "[anomaly_map]") {
    const MapView v = make_map_view(solid(8, 4, 3, 0), input(2), 8);  // crop: x 2..6
    std::vector<float> chw(12, -1.0f);
    chw[0] = 1.0f;              // red, top-left input pixel
    chw[4 + 3] = 0.0f;          // green, bottom-right input pixel
    const Image r = reconstruction_view(chw.data(), chw.size(), v, input(2));
    auto px = [&](int x, int y) { return &r.pixels[(static_cast<std::size_t>(y) * r.width + x) * 3]; };
    CHECK((px(0, 0)[0] == 128 && px(7, 3)[2] == 128));          // outside: mid-grey
    CHECK((px(2, 0)[0] == 255 && px(2, 0)[1] == 0));            // top-left of the crop
    CHECK((px(5, 3)[1] == 128 && px(5, 3)[0] == 0));            // bottom-right: 0 -> 127.5 -> 128
    CHECK_THROWS_AS(reconstruction_view(chw.data(), 11, v, input(2)), Error);
    const Image t = map_triptych(v, r, r);
    CHECK((t.width == 3 * 8 + 8 && t.height == 4));
    CHECK(t.pixels[8 * 3] == 255);  // the first gap is white
}

TEST_CASE("maps in the model card: round trip, default, and named errors", "[anomaly_map]") {
    const ModelCard card = card_with_maps();
    const ModelCard back = parse_model_card(write_model_card(card));
    REQUIRE(back.maps.size() == 2);
    CHECK(back.maps[1].name == "feature_2");
    CHECK(back.maps[1].median == card.maps[1].median);
    CHECK(back.maps[1].spread == card.maps[1].spread);
    CHECK(back.maps[1].threshold == 3.0);
    CHECK(back.default_map == "feature_2");
    CHECK(map_index(back, "pixel") == 0);
    CHECK_THROWS_WITH(map_index(back, "colour"), Catch::Contains("offers: pixel, feature_2"));
    ModelCard none = card;
    none.maps.clear();
    CHECK(parse_model_card(write_model_card(none)).maps.empty());
    CHECK_THROWS_WITH(map_index(none, "pixel"), Catch::Contains("export it again"));
    auto error_after = [&](const std::function<void(nlohmann::json&)>& mutate) {
        nlohmann::json j = nlohmann::json::parse(write_model_card(card));
        mutate(j);
        try {
            parse_model_card(j.dump());
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK_THAT(error_after([](auto& j) { j["maps"][0]["median"].erase(0); }), Catch::Contains("maps[0].median"));
    CHECK_THAT(error_after([](auto& j) { j["maps"][1]["spread"][2] = 0.0; }), Catch::Contains("maps[1].spread"));
    CHECK_THAT(error_after([](auto& j) { j["maps"][0]["width"] = 5; }), Catch::Contains("maps[0].width"));
    CHECK_THAT(error_after([](auto& j) { j["maps"][1]["name"] = "pixel"; }), Catch::Contains("listed twice"));
    CHECK_THAT(error_after([](auto& j) { j["maps"][0]["threshold"]["value"] = 0.0; }), Catch::Contains("threshold.value"));
    CHECK_THAT(error_after([](auto& j) { j["default_map"] = "nope"; }), Catch::Contains("default_map"));
}

TEST_CASE("a map's calibration: per-position median and MAD, threshold on each image's maximum", "[anomaly_map]") {
    MapSpec m;
    m.name = "pixel";
    m.width = m.height = 2;
    // Five training images of a 2 x 2 map; position 0 varies 1..5 (median 3, MAD 1), position 1 is
    // constant (MAD 0: floored), positions 2, 3 vary 0..8 in steps of 2 (median 4, MAD 2).
    std::vector<float> raw;
    for (int i = 0; i < 5; ++i) {
        raw.insert(raw.end(), {static_cast<float>(1 + i), 7.0f, static_cast<float>(2 * i), static_cast<float>(8 - 2 * i)});
    }
    const MapSpec s = calibrate_map_spec(m, raw.data(), 5, input(2), 0.5);
    CHECK(s.median == std::vector<double>{3.0, 7.0, 4.0, 4.0});
    CHECK(s.spread[0] == Approx(1.4826));
    CHECK(s.spread[2] == Approx(2 * 1.4826));
    // The floor: a tenth of the median spread over positions, (1.4826 + 2.9652) / 2 / 10.
    CHECK(s.spread[1] == Approx(0.1 * (1.4826 + 2 * 1.4826) / 2));
    // Each image's largest calibrated value (the map is at the input size: no resampling):
    // image i: max((i - 2) / 1.4826, 0, (2i - 4) / 2.9652, (4 - 2i) / 2.9652); the median over i = 0..4.
    std::vector<double> maxima;
    for (int i = 0; i < 5; ++i)
        maxima.push_back(std::max({(i - 2) / 1.4826, 0.0, (2 * i - 4) / 2.9652, (4 - 2 * i) / 2.9652}));
    std::sort(maxima.begin(), maxima.end());
    CHECK(s.threshold == Approx(maxima[2]));
    CHECK(s.threshold_quantile == 0.5);
    CHECK_THROWS_AS(calibrate_map_spec(m, raw.data(), 1, input(2), 0.5), Error);
    CHECK_THROWS_AS(calibrate_map_spec(m, raw.data(), 5, input(2), 1.0), Error);
}
