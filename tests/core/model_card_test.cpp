#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "error.h"
#include "model_card.h"

using namespace stratum;
using nlohmann::json;

namespace {

ModelCard sample_card() {
    ModelCard card;
    card.name = "cifar10-airplane";
    card.description = "test card";
    card.model_file = "encoder.onnx";
    card.onnx_sha256 = std::string(64, 'a');
    card.input.width = 32;
    card.input.height = 32;
    card.input.channels = 3;
    card.input.fit = Fit::Stretch;
    card.latent_size = 3;
    card.direction = Direction::TwoSided;
    card.calibration = calibrate({1, 2, 3, 4, 5}, {0.0, 0.5, 0.95, 1.0});
    card.threshold = {"training_quantile", 0.95, 1.25};
    card.has_projection = true;
    card.projection.dims = 3;
    card.projection.mean = {0.1, 0.2, 0.3};
    card.projection.axes[0] = {1, 0, 0};
    card.projection.axes[1] = {0, 1, 0};
    card.projection.explained_variance[0] = 2.0;
    card.projection.explained_variance[1] = 1.0;
    card.projection.total_variance = 3.5;
    card.projection_sample = {{0.5, -0.5, 3.0}, {1.0, 2.0, 4.0}};
    card.training.dataset = "CIFAR-10 (JPEG copy)";
    card.training.normal_classes = {"airplane"};
    card.training.anomaly_classes = {"cat"};
    card.training.contamination = 0.1;
    card.training.images_seen = 600000;
    card.training.seed = 7;
    card.training.preset = "small";
    card.training.commit = "abc123";
    card.training.options_recorded = true;
    card.training.augment = "dihedral";
    card.training.encoder_images = 20000;
    card.training.rotation_weight = 0.5;
    card.architecture = {true, 256, 64};
    ExtraScore feature;
    feature.name = feature.output = "feature";
    feature.description = "critic-feature distance";
    feature.calibration = calibrate({0.1, 0.2, 0.3, 0.5}, {0.0, 0.5, 1.0});
    feature.threshold = {"training_quantile", 0.9, 1.5};
    card.extra_scores = {feature};
    card.default_score = "feature";
    return card;
}

std::string error_after(const std::function<void(json&)>& mutate) {
    json j = json::parse(write_model_card(sample_card()));
    mutate(j);
    try {
        parse_model_card(j.dump());
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("model card round-trips through JSON", "[model_card]") {
    const ModelCard a = sample_card();
    const ModelCard b = parse_model_card(write_model_card(a));
    CHECK(b.name == a.name);
    CHECK(b.model_file == a.model_file);
    CHECK(b.onnx_sha256 == a.onnx_sha256);
    CHECK(b.input.width == 32);
    CHECK(b.input.fit == Fit::Stretch);
    CHECK(b.latent_size == 3);
    CHECK(b.direction == Direction::TwoSided);
    CHECK(b.calibration.levels == a.calibration.levels);
    CHECK(b.calibration.quantiles == a.calibration.quantiles);
    CHECK(b.calibration.median == a.calibration.median);
    CHECK(b.calibration.mad == a.calibration.mad);
    CHECK(b.calibration.count == 5);
    CHECK(b.threshold.method == "training_quantile");
    CHECK(b.threshold.value == 1.25);
    REQUIRE(b.has_projection);
    CHECK(b.projection.axes[1] == a.projection.axes[1]);
    CHECK(b.projection.dims == 3);
    REQUIRE(b.projection_sample.size() == 2);
    CHECK(b.projection_sample[1].norm == 4.0);
    CHECK(b.training.normal_classes == a.training.normal_classes);
    CHECK(b.training.contamination == 0.1);
    CHECK(b.training.images_seen == 600000);
    CHECK(b.training.augment == "dihedral");
    CHECK(b.training.encoder_images == 20000);
    CHECK(b.training.rotation_weight == 0.5);
    CHECK(b.architecture.present);
    CHECK(b.architecture.fmap_base == 256);
    CHECK(b.architecture.fmap_max == 64);
    REQUIRE(b.extra_scores.size() == 1);
    CHECK(b.extra_scores[0].name == "feature");
    CHECK(b.extra_scores[0].calibration.quantiles == a.extra_scores[0].calibration.quantiles);
    CHECK(b.extra_scores[0].threshold.value == 1.5);
    CHECK(b.default_score == "feature");
    CHECK(write_model_card(b) == write_model_card(a));
}

TEST_CASE("card_scores lists the norm first, then the extra scores", "[model_card]") {
    const ModelCard card = sample_card();
    const std::vector<ScoreSpec> specs = card_scores(card);
    REQUIRE(specs.size() == 2);
    CHECK(specs[0].name == "norm");
    CHECK(specs[0].output == card.output_name);
    CHECK(specs[0].calibration.median == card.calibration.median);
    CHECK(specs[1].name == "feature");
    CHECK(specs[1].threshold.value == 1.5);
    CHECK(score_index(card, "norm") == 0);
    CHECK(score_index(card, "feature") == 1);
    CHECK_THROWS_WITH(score_index(card, "reconstruction"), Catch::Contains("offers: norm, feature"));
}

TEST_CASE("a card of an encoder-only graph (no extra scores) is valid and defaults to the norm", "[model_card]") {
    json j = json::parse(write_model_card(sample_card()));
    j.erase("extra_scores");
    j.erase("default_score");
    const ModelCard card = parse_model_card(j.dump());
    CHECK(card.extra_scores.empty());
    CHECK(card.default_score == "norm");
    CHECK(card_scores(card).size() == 1);
}

TEST_CASE("a card without projection is valid", "[model_card]") {
    ModelCard card = sample_card();
    card.has_projection = false;
    const ModelCard back = parse_model_card(write_model_card(card));
    CHECK_FALSE(back.has_projection);
}

TEST_CASE("every invalid field is named in the error", "[model_card]") {
    CHECK_THAT(error_after([](json&) {}), Catch::Equals("(accepted)"));
    CHECK_THROWS_WITH(parse_model_card("{not json"), Catch::Contains("not valid JSON"));
    CHECK_THROWS_WITH(parse_model_card("[1, 2]"), Catch::Contains("JSON object"));
    // Found by fuzz/model_card_fuzz: a number beyond double's range is a JSON library exception of its
    // own kind; it must come out as stratum::Error (the page catches only that).
    CHECK_THROWS_AS(parse_model_card("{\"format\": -0.045328255E41305547}"), Error);
    CHECK_THROWS_WITH(parse_model_card("{\"format\": 1E400}"), Catch::Contains("number overflow"));
    CHECK_THAT(error_after([](json& j) { j["format"] = "other"; }), Catch::Contains("format: expected"));
    CHECK_THAT(error_after([](json& j) { j["format_version"] = 2; }), Catch::Contains("format_version"));
    CHECK_THAT(error_after([](json& j) { j.erase("name"); }), Catch::Contains("name: missing"));
    CHECK_THAT(error_after([](json& j) { j["onnx_sha256"] = "xyz"; }), Catch::Contains("onnx_sha256"));
    CHECK_THAT(error_after([](json& j) { j["input"]["width"] = 0; }), Catch::Contains("input.width: must lie in"));
    CHECK_THAT(error_after([](json& j) { j["input"]["width"] = 3.5; }),
               Catch::Contains("input.width: expected an integer"));
    CHECK_THAT(error_after([](json& j) { j["input"]["channels"] = 2; }), Catch::Contains("input.channels"));
    CHECK_THAT(error_after([](json& j) { j["input"]["fit"] = "zoom"; }), Catch::Contains("input.fit: unknown fit"));
    CHECK_THAT(error_after([](json& j) { j["input"]["value_range"] = {0, 1}; }),
               Catch::Contains("input.value_range"));
    CHECK_THAT(error_after([](json& j) { j["input"]["layout"] = "NHWC"; }), Catch::Contains("input.layout"));
    CHECK_THAT(error_after([](json& j) { j["output"].erase("size"); }), Catch::Contains("output.size: missing"));
    CHECK_THAT(error_after([](json& j) { j["score"]["direction"] = "up"; }), Catch::Contains("score.direction"));
    CHECK_THAT(error_after([](json& j) { j["calibration"]["median"] = "3"; }),
               Catch::Contains("calibration.median: expected a number"));
    CHECK_THAT(error_after([](json& j) { j["calibration"]["mad"] = -1; }), Catch::Contains("calibration.mad"));
    CHECK_THAT(error_after([](json& j) { j["calibration"]["levels"] = {0.5, 0.1, 0.9, 1.0}; }),
               Catch::Contains("levels must increase"));
    CHECK_THAT(error_after([](json& j) { j["calibration"]["quantiles"] = {1, 2}; }),
               Catch::Contains("one value per level"));
    CHECK_THAT(error_after([](json& j) { j["calibration"]["threshold"]["method"] = "magic"; }),
               Catch::Contains("calibration.threshold.method"));
    CHECK_THAT(error_after([](json& j) { j["projection"]["mean"] = {1, 2}; }), Catch::Contains("projection.mean"));
    CHECK_THAT(error_after([](json& j) { j["projection"]["axes"][1] = {1, 2}; }),
               Catch::Contains("projection.axes[1]"));
    CHECK_THAT(error_after([](json& j) { j["projection"]["sample"][0] = {1, 2}; }),
               Catch::Contains("projection.sample[0]"));
    CHECK_THAT(error_after([](json& j) { j["training"]["contamination"] = 1.0; }),
               Catch::Contains("training.contamination"));
    CHECK_THAT(error_after([](json& j) { j["architecture"]["family"] = "vae"; }),
               Catch::Contains("architecture.family"));
    CHECK_THAT(error_after([](json& j) { j["architecture"]["fmap_max"] = 0; }),
               Catch::Contains("architecture.fmap_max"));
    CHECK_THAT(error_after([](json& j) { j["default_score"] = "magic"; }),
               Catch::Contains("default_score: the model offers no score \"magic\""));
    CHECK_THAT(error_after([](json& j) { j["extra_scores"][0]["name"] = "norm"; }),
               Catch::Contains("extra_scores[0].name"));
    CHECK_THAT(error_after([](json& j) {
                   const json again = j["extra_scores"][0];
                   j["extra_scores"].push_back(again);
               }),
               Catch::Contains("extra_scores[1].name: \"feature\" is listed twice"));
    CHECK_THAT(error_after([](json& j) { j["extra_scores"][0]["output"] = "latent"; }),
               Catch::Contains("extra_scores[0].output"));
    CHECK_THAT(error_after([](json& j) { j["extra_scores"][0]["direction"] = "up"; }),
               Catch::Contains("extra_scores[0].direction"));
    CHECK_THAT(error_after([](json& j) { j["extra_scores"][0]["calibration"]["mad"] = -1; }),
               Catch::Contains("extra_scores[0].calibration.mad"));
    CHECK_THAT(error_after([](json& j) { j["extra_scores"][0]["calibration"]["threshold"].erase("value"); }),
               Catch::Contains("extra_scores[0].calibration.threshold.value: missing"));
    CHECK_THAT(error_after([](json& j) { j["extra_scores"] = "feature"; }), Catch::Contains("extra_scores: expected an array"));
    CHECK_THAT(error_after([](json& j) { j["training"]["normal_classes"] = {1}; }),
               Catch::Contains("training.normal_classes[0]: expected a string"));
}

namespace {

// A score that reads a feature vector, calibrated; the caller gives it a bank or a Gaussian.
ExtraScore vector_score(const std::string& name, const std::string& output) {
    ExtraScore x;
    x.name = name;
    x.output = output;
    x.description = name + " distance";
    x.calibration = calibrate({0.5, 1.0, 2.0}, {0.0, 0.5, 1.0});
    x.threshold = {"training_quantile", 0.95, 2.0};
    return x;
}

// The parser's message for card `a` with its extra_scores[1] changed by `mutate` ("accepted" if none).
std::string second_score_error(const ModelCard& a, const std::function<void(json&)>& mutate) {
    json j = json::parse(write_model_card(a));
    mutate(j["extra_scores"][1]);
    try {
        parse_model_card(j.dump());
    } catch (const Error& e) {
        return std::string(e.what());
    }
    return std::string("accepted");
}

}  // namespace

TEST_CASE("a score with a neighbour bank round-trips and each bad field is named", "[model_card]") {
    ModelCard a = sample_card();
    ExtraScore colour = vector_score("colour", "colour_features");
    colour.has_neighbours = true;
    colour.neighbours = make_neighbour_bank({0, 1, 2, 1, 4, 1, 3, 3}, 4, 2, 2);
    a.extra_scores.push_back(colour);
    const ModelCard b = parse_model_card(write_model_card(a));
    REQUIRE(b.extra_scores.size() == 2);
    CHECK_FALSE(b.extra_scores[0].has_neighbours);
    CHECK(b.extra_scores[0].output_width() == 1);
    const ExtraScore& c = b.extra_scores[1];
    REQUIRE(c.has_neighbours);
    CHECK(c.output_width() == 2);
    CHECK(extra_outputs_width(b) == 3);
    CHECK(c.neighbours.k == 2);
    CHECK(c.neighbours.center == colour.neighbours.center);
    CHECK(c.neighbours.scale == colour.neighbours.scale);
    CHECK(c.neighbours.points == colour.neighbours.points);  // float values survive the JSON exactly
    CHECK(write_model_card(b) == write_model_card(a));

    auto error_with = [&](const std::function<void(json&)>& mutate) {
        return second_score_error(a, [&](json& x) { mutate(x["neighbours"]); });
    };
    CHECK_THAT(error_with([](json& n) { n["scale"][1] = 0; }), Catch::Contains("extra_scores[1].neighbours.scale: every value must be positive"));
    CHECK_THAT(error_with([](json& n) { n["scale"] = {1.0}; }), Catch::Contains("neighbours.scale: needs one value per center value (2)"));
    CHECK_THAT(error_with([](json& n) { n["points"][2] = {1.0}; }), Catch::Contains("neighbours.points[2]: expected 2 numbers"));
    CHECK_THAT(error_with([](json& n) { n["k"] = 4; }), Catch::Contains("neighbours.points: needs more rows than k = 4"));
    CHECK_THAT(error_with([](json& n) { n["k"] = 0; }), Catch::Contains("neighbours.k: must lie in [1, 1000]"));
    CHECK_THAT(error_with([](json& n) { n.erase("center"); }), Catch::Contains("neighbours.center: missing"));
    CHECK_THAT(error_with([](json& n) { n = "bank"; }), Catch::Contains("extra_scores[1].neighbours: expected an object or null"));
}

TEST_CASE("a score with a Gaussian round-trips and each bad field is named", "[model_card]") {
    ModelCard a = sample_card();
    ExtraScore g = vector_score("encoder_gaussian", "encoder_features");
    g.has_gaussian = true;
    g.gaussian = {{0.25, -1.0 / 3.0}, {4.0, 0.1, 0.1, 2.0 / 3.0}};
    a.extra_scores.push_back(g);
    const ModelCard b = parse_model_card(write_model_card(a));
    REQUIRE(b.extra_scores.size() == 2);
    const ExtraScore& c = b.extra_scores[1];
    REQUIRE(c.has_gaussian);
    CHECK_FALSE(c.has_neighbours);
    CHECK(c.output_width() == 2);
    CHECK(extra_outputs_width(b) == 3);
    CHECK(c.gaussian.mean == g.gaussian.mean);  // doubles survive the JSON exactly
    CHECK(c.gaussian.precision == g.gaussian.precision);
    CHECK(write_model_card(b) == write_model_card(a));

    auto error_with = [&](const std::function<void(json&)>& mutate) { return second_score_error(a, mutate); };
    CHECK_THAT(error_with([](json& x) { x["gaussian"]["precision"][0][1] = 0.2; }),
               Catch::Contains("extra_scores[1].gaussian.precision: must be symmetric (rows 0 and 1 differ)"));
    CHECK_THAT(error_with([](json& x) { x["gaussian"]["precision"][1][1] = 0; }),
               Catch::Contains("gaussian.precision: its diagonal must be positive"));
    CHECK_THAT(error_with([](json& x) { x["gaussian"]["precision"][1] = {1.0}; }),
               Catch::Contains("gaussian.precision[1]: expected 2 numbers"));
    CHECK_THAT(error_with([](json& x) { x["gaussian"]["precision"].erase(1); }), Catch::Contains("gaussian.precision: expected 2 rows"));
    CHECK_THAT(error_with([](json& x) { x["gaussian"]["mean"] = json::array(); }), Catch::Contains("gaussian.mean: needs 1 to 1024 values"));
    // Symmetric with a positive diagonal but indefinite (determinant 4 * (2/3) - 9 < 0).
    CHECK_THAT(error_with([](json& x) { x["gaussian"]["precision"][0][1] = 3.0; x["gaussian"]["precision"][1][0] = 3.0; }),
               Catch::Contains("gaussian.precision: must be positive definite"));
    CHECK_THAT(error_with([](json& x) { x["gaussian"]["mean"][0] = 1e31; }), Catch::Contains("gaussian.mean: values must lie within"));
    CHECK_THAT(error_with([](json& x) { x["gaussian"] = 3; }), Catch::Contains("extra_scores[1].gaussian: expected an object or null"));
    CHECK_THAT(error_with([](json& x) { x["neighbours"] = {{"k", 1}, {"center", {0.0, 0.0}}, {"scale", {1.0, 1.0}}, {"points", {{0.0, 0.0}, {1.0, 1.0}}}}; }),
               Catch::Contains("extra_scores[1].gaussian: a score reads a neighbour bank or a Gaussian, not both"));
}

TEST_CASE("a card from before the training options has none and writes none; bad options are named", "[model_card]") {
    json j = json::parse(write_model_card(sample_card()));
    for (const char* key : {"augment", "encoder_images", "rotation_weight"}) j["training"].erase(key);
    const ModelCard old = parse_model_card(j.dump());
    CHECK_FALSE(old.training.options_recorded);
    CHECK_FALSE(json::parse(write_model_card(old))["training"].contains("augment"));  // not invented on the way back
    json partial = json::parse(write_model_card(sample_card()));
    partial["training"].erase("rotation_weight");
    CHECK_THROWS_WITH(parse_model_card(partial.dump()), Catch::Contains("training.rotation_weight: missing"));
    json bad = json::parse(write_model_card(sample_card()));
    bad["training"]["augment"] = "sideways";
    CHECK_THROWS_WITH(parse_model_card(bad.dump()), Catch::Contains("training.augment: must be none or dihedral"));
    bad["training"]["augment"] = "none";
    bad["training"]["rotation_weight"] = -1;
    CHECK_THROWS_WITH(parse_model_card(bad.dump()), Catch::Contains("training.rotation_weight: must be 0 or positive"));
}

TEST_CASE("the intensity window round-trips; old cards read 0-255; bad windows are named", "[model_card]") {
    ModelCard card = sample_card();
    card.input.window = {0, 4095, SampleType::UInt16};
    card.window_source = "12 significant bits, as the files state";
    const ModelCard back = parse_model_card(write_model_card(card));
    CHECK(back.input.window == card.input.window);
    CHECK(back.window_source == card.window_source);
    card.input.window = {-0.5, 2.25, SampleType::Float32};
    CHECK(parse_model_card(write_model_card(card)).input.window == card.input.window);

    json old = json::parse(write_model_card(sample_card()));
    old["input"].erase("intensity_window");
    CHECK(parse_model_card(old.dump()).input.window == IntensityWindow{0, 255, SampleType::UInt8});

    CHECK_THAT(error_after([](json& j) { j["input"]["intensity_window"]["units"] = "12-bit"; }),
               Catch::Contains("input.intensity_window.units") && Catch::Contains("expected 8-bit, 16-bit or as stored"));
    CHECK_THAT(error_after([](json& j) { j["input"]["intensity_window"]["hi"] = -1; }),
               Catch::Contains("input.intensity_window: lo must be below hi"));
    CHECK_THAT(error_after([](json& j) { j["input"]["intensity_window"].erase("lo"); }),
               Catch::Contains("input.intensity_window.lo: missing"));
}
