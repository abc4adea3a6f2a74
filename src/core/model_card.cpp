#include "model_card.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "error.h"

namespace stratum {
namespace {

using nlohmann::json;
constexpr const char* kFormat = "stratum-model-card";

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw Error("model card: " + path + ": " + what);
}

const json& field(const json& object, const std::string& path, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) fail(path.empty() ? key : path + "." + key, "missing");
    return *it;
}

std::string join(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

const json& object_at(const json& parent, const std::string& path, const char* key) {
    const json& v = field(parent, path, key);
    if (!v.is_object()) fail(join(path, key), "expected an object");
    return v;
}

std::string string_at(const json& parent, const std::string& path, const char* key) {
    const json& v = field(parent, path, key);
    if (!v.is_string()) fail(join(path, key), "expected a string");
    return v.get<std::string>();
}

double number_of(const json& v, const std::string& path) {
    if (!v.is_number()) fail(path, "expected a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(path, "expected a finite number");
    return d;
}

double number_at(const json& parent, const std::string& path, const char* key) {
    return number_of(field(parent, path, key), join(path, key));
}

long long integer_at(const json& parent, const std::string& path, const char* key, long long lo, long long hi) {
    const json& v = field(parent, path, key);
    if (!v.is_number_integer()) fail(join(path, key), "expected an integer");
    const long long i = v.get<long long>();
    if (i < lo || i > hi)
        fail(join(path, key), "must lie in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                                   std::to_string(i));
    return i;
}

std::vector<double> numbers_at(const json& parent, const std::string& path, const char* key) {
    const json& v = field(parent, path, key);
    const std::string here = join(path, key);
    if (!v.is_array()) fail(here, "expected an array of numbers");
    std::vector<double> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(number_of(v[i], here + "[" + std::to_string(i) + "]"));
    return out;
}

std::vector<std::string> strings_at(const json& parent, const std::string& path, const char* key) {
    const json& v = field(parent, path, key);
    const std::string here = join(path, key);
    if (!v.is_array()) fail(here, "expected an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) fail(here + "[" + std::to_string(i) + "]", "expected a string");
        out.push_back(v[i].get<std::string>());
    }
    return out;
}

template <typename Parse>
auto enum_at(const json& parent, const std::string& path, const char* key, Parse parse) {
    const std::string text = string_at(parent, path, key);
    try {
        return parse(text);
    } catch (const Error& e) {
        fail(join(path, key), e.what());
    }
}

bool is_hex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

void parse_input(const json& root, ModelCard& card) {
    const json& in = object_at(root, "", "input");
    card.input_name = string_at(in, "input", "name");
    card.input.width = static_cast<int>(integer_at(in, "input", "width", 1, 4096));
    card.input.height = static_cast<int>(integer_at(in, "input", "height", 1, 4096));
    card.input.channels = static_cast<int>(integer_at(in, "input", "channels", 1, 3));
    if (card.input.channels == 2) fail("input.channels", "must be 1 (gray) or 3 (RGB)");
    card.input.fit = enum_at(in, "input", "fit", parse_fit);
    const std::vector<double> range = numbers_at(in, "input", "value_range");
    if (range.size() != 2 || range[0] != -1.0 || range[1] != 1.0)
        fail("input.value_range", "stratum encoders take values in [-1, 1]");
    if (string_at(in, "input", "layout") != "NCHW") fail("input.layout", "expected \"NCHW\"");
    // Cards made before 16-bit input existed carry no window: their models saw 8-bit images, 0-255.
    if (in.contains("intensity_window")) {
        const json& w = object_at(in, "input", "intensity_window");
        const std::string path = "input.intensity_window";
        card.input.window.lo = number_at(w, path, "lo");
        card.input.window.hi = number_at(w, path, "hi");
        if (!(card.input.window.lo < card.input.window.hi)) fail(path, "lo must be below hi");
        try {
            card.input.window.depth = parse_window_units(string_at(w, path, "units"));
        } catch (const Error& e) {
            fail(path + ".units", e.what());
        }
        card.window_source = w.contains("source") ? string_at(w, path, "source") : "";
    }
}

// A calibration object (at `path`, e.g. "calibration" or "extra_scores[0].calibration") with its threshold.
void parse_calibration_object(const json& cal, const std::string& path, Calibration& c, ThresholdChoice& threshold) {
    c.count = static_cast<std::size_t>(integer_at(cal, path, "count", 1, 1LL << 40));
    c.levels = numbers_at(cal, path, "levels");
    c.quantiles = numbers_at(cal, path, "quantiles");
    if (c.levels.empty()) fail(path + ".levels", "needs at least one level");
    if (c.levels.size() != c.quantiles.size())
        fail(path + ".quantiles", "needs one value per level (" + std::to_string(c.levels.size()) + ")");
    for (std::size_t i = 0; i < c.levels.size(); ++i) {
        if (c.levels[i] < 0.0 || c.levels[i] > 1.0) fail(path + ".levels", "levels must lie in [0, 1]");
        if (i > 0 && c.levels[i] <= c.levels[i - 1]) fail(path + ".levels", "levels must increase");
        if (i > 0 && c.quantiles[i] < c.quantiles[i - 1]) fail(path + ".quantiles", "quantiles must not decrease");
    }
    c.median = number_at(cal, path, "median");
    c.mad = number_at(cal, path, "mad");
    if (c.mad < 0.0) fail(path + ".mad", "must not be negative");

    const std::string tpath = path + ".threshold";
    const json& t = object_at(cal, path, "threshold");
    threshold.method = string_at(t, tpath, "method");
    if (threshold.method != "training_quantile" && threshold.method != "median_plus_k_mad" &&
        threshold.method != "top_percent")
        fail(tpath + ".method", "expected training_quantile, median_plus_k_mad or top_percent");
    threshold.parameter = number_at(t, tpath, "parameter");
    threshold.value = number_at(t, tpath, "value");
}

void parse_calibration(const json& root, ModelCard& card) {
    parse_calibration_object(object_at(root, "", "calibration"), "calibration", card.calibration, card.threshold);
}

json calibration_json(const Calibration& c, const ThresholdChoice& threshold) {
    return {{"count", c.count},
            {"levels", c.levels},
            {"quantiles", c.quantiles},
            {"median", c.median},
            {"mad", c.mad},
            {"threshold", {{"method", threshold.method}, {"parameter", threshold.parameter}, {"value", threshold.value}}}};
}

// A neighbour bank: k, center and scale (D each, scale > 0), points (an array of D-value rows).
void parse_neighbours(const json& nb, const std::string& path, ExtraScore& x) {
    if (!nb.is_object()) fail(path, "expected an object or null");
    NeighbourBank& b = x.neighbours;
    b.center = numbers_at(nb, path, "center");
    b.scale = numbers_at(nb, path, "scale");
    const std::size_t d = b.center.size();
    if (d == 0 || d > 4096) fail(path + ".center", "needs 1 to 4096 values");
    if (b.scale.size() != d) fail(path + ".scale", "needs one value per center value (" + std::to_string(d) + ")");
    for (double v : b.scale)
        if (!(v > 0)) fail(path + ".scale", "every value must be positive");
    const json& points = field(nb, path, "points");
    if (!points.is_array()) fail(path + ".points", "expected an array of rows");
    if (points.size() * d > 4000000) fail(path + ".points", "at most 4,000,000 values in all (rows x features)");
    b.points.reserve(points.size() * d);
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::string row = path + ".points[" + std::to_string(i) + "]";
        if (!points[i].is_array() || points[i].size() != d) fail(row, "expected " + std::to_string(d) + " numbers");
        for (std::size_t j = 0; j < d; ++j) {
            const double v = number_of(points[i][j], row);
            if (std::fabs(v) > 1e30) fail(row, "values must lie within +-1e30 (they are stored as float32)");
            b.points.push_back(static_cast<float>(v));
        }
    }
    b.k = static_cast<int>(integer_at(nb, path, "k", 1, 1000));
    if (points.size() <= static_cast<std::size_t>(b.k))
        fail(path + ".points", "needs more rows than k = " + std::to_string(b.k));
    x.has_neighbours = true;
}

// A float as the double with the fewest decimal digits (at most 9) that reads back as the same float,
// so that the card stores it in about 10 characters instead of 17 and parsing returns it exactly.
double shortest_for_float(float v) {
    char text[32];
    for (int digits = 6; digits < 9; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(v));
        if (static_cast<float>(std::strtod(text, nullptr)) == v) return std::strtod(text, nullptr);
    }
    std::snprintf(text, sizeof text, "%.9g", static_cast<double>(v));
    return std::strtod(text, nullptr);
}

json neighbours_json(const NeighbourBank& b) {
    json points = json::array();
    for (std::size_t i = 0; i < b.count(); ++i) {
        json row = json::array();
        for (std::size_t j = 0; j < b.dims(); ++j) row.push_back(shortest_for_float(b.points[i * b.dims() + j]));
        points.push_back(std::move(row));
    }
    return {{"k", b.k}, {"center", b.center}, {"scale", b.scale}, {"points", points}};
}

// A Gaussian: mean (D values) and precision (D rows of D values, symmetric).
void parse_gaussian(const json& gj, const std::string& path, ExtraScore& x) {
    if (!gj.is_object()) fail(path, "expected an object or null");
    GaussianModel& g = x.gaussian;
    g.mean = numbers_at(gj, path, "mean");
    const std::size_t d = g.mean.size();
    if (d == 0 || d > kMaxGaussianDims) fail(path + ".mean", "needs 1 to " + std::to_string(kMaxGaussianDims) + " values");
    const json& rows = field(gj, path, "precision");
    if (!rows.is_array() || rows.size() != d) fail(path + ".precision", "expected " + std::to_string(d) + " rows");
    g.precision.reserve(d * d);
    double largest = 0;
    for (std::size_t i = 0; i < d; ++i) {
        const std::string row = path + ".precision[" + std::to_string(i) + "]";
        if (!rows[i].is_array() || rows[i].size() != d) fail(row, "expected " + std::to_string(d) + " numbers");
        for (std::size_t j = 0; j < d; ++j) {
            const double v = number_of(rows[i][j], row);
            if (std::fabs(v) > 1e30) fail(row, "values must lie within +-1e30");
            largest = std::max(largest, std::fabs(v));
            g.precision.push_back(v);
        }
    }
    for (std::size_t i = 0; i < d; ++i) {
        if (!(g.precision[i * d + i] > 0)) fail(path + ".precision", "its diagonal must be positive");
        for (std::size_t j = 0; j < i; ++j)
            if (std::fabs(g.precision[i * d + j] - g.precision[j * d + i]) > 1e-9 * largest)
                fail(path + ".precision", "must be symmetric (rows " + std::to_string(j) + " and " + std::to_string(i) + " differ)");
    }
    for (double v : g.mean)
        if (std::fabs(v) > 1e30) fail(path + ".mean", "values must lie within +-1e30");
    // An indefinite matrix would give some images a negative squared distance, read as perfectly normal.
    if (!is_positive_definite(g.precision, d)) fail(path + ".precision", "must be positive definite");
    x.has_gaussian = true;
}

json gaussian_json(const GaussianModel& g) {
    json rows = json::array();
    for (std::size_t i = 0; i < g.dims(); ++i)
        rows.push_back(std::vector<double>(g.precision.begin() + static_cast<long>(i * g.dims()),
                                           g.precision.begin() + static_cast<long>((i + 1) * g.dims())));
    return {{"mean", g.mean}, {"precision", rows}};
}

// Optional: scores the graph computes beside the latent, and which score is the default.
void parse_extra_scores(const json& root, ModelCard& card) {
    const auto it = root.find("extra_scores");
    if (it != root.end() && !it->is_null()) {
        if (!it->is_array()) fail("extra_scores", "expected an array or null");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string path = "extra_scores[" + std::to_string(i) + "]";
            const json& e = (*it)[i];
            if (!e.is_object()) fail(path, "expected an object");
            ExtraScore x;
            x.name = string_at(e, path, "name");
            if (x.name.empty() || x.name == "norm") fail(path + ".name", "must be a name other than \"norm\"");
            for (const ExtraScore& before : card.extra_scores)
                if (before.name == x.name) fail(path + ".name", "\"" + x.name + "\" is listed twice");
            x.output = string_at(e, path, "output");
            if (x.output.empty() || x.output == card.output_name)
                fail(path + ".output", "must name a graph output other than the latent");
            x.description = string_at(e, path, "description");
            x.direction = enum_at(e, path, "direction", parse_direction);
            parse_calibration_object(object_at(e, path, "calibration"), path + ".calibration", x.calibration, x.threshold);
            const auto nb = e.find("neighbours");
            if (nb != e.end() && !nb->is_null()) parse_neighbours(*nb, path + ".neighbours", x);
            const auto ga = e.find("gaussian");
            if (ga != e.end() && !ga->is_null()) {
                if (x.has_neighbours) fail(path + ".gaussian", "a score reads a neighbour bank or a Gaussian, not both");
                parse_gaussian(*ga, path + ".gaussian", x);
            }
            card.extra_scores.push_back(std::move(x));
        }
    }
    const auto d = root.find("default_score");
    if (d == root.end() || d->is_null()) return;
    if (!d->is_string()) fail("default_score", "expected a string");
    card.default_score = d->get<std::string>();
    try {
        score_index(card, card.default_score);
    } catch (const Error& e) {
        fail("default_score", e.what());
    }
}

void parse_maps(const json& root, ModelCard& card) {
    const auto it = root.find("maps");
    if (it == root.end() || it->is_null()) return;
    if (!it->is_array()) fail("maps", "expected an array or null");
    for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string path = "maps[" + std::to_string(i) + "]";
        const json& e = (*it)[i];
        if (!e.is_object()) fail(path, "expected an object");
        MapSpec m;
        m.name = string_at(e, path, "name");
        if (m.name.empty()) fail(path + ".name", "must not be empty");
        for (const MapSpec& before : card.maps)
            if (before.name == m.name) fail(path + ".name", "\"" + m.name + "\" is listed twice");
        m.output = string_at(e, path, "output");
        if (m.output.empty() || m.output == card.output_name)
            fail(path + ".output", "must name a graph output other than the latent");
        m.description = string_at(e, path, "description");
        m.width = static_cast<int>(integer_at(e, path, "width", 1, card.input.width));
        m.height = static_cast<int>(integer_at(e, path, "height", 1, card.input.height));
        const std::size_t positions = static_cast<std::size_t>(m.width) * m.height;
        m.median = numbers_at(e, path, "median");
        m.spread = numbers_at(e, path, "spread");
        if (m.median.size() != positions) fail(path + ".median", "expected width x height = " + std::to_string(positions) + " numbers");
        if (m.spread.size() != positions) fail(path + ".spread", "expected width x height = " + std::to_string(positions) + " numbers");
        for (double v : m.spread)
            if (!(v > 0)) fail(path + ".spread", "every spread must be positive");
        const json& t = object_at(e, path, "threshold");
        if (string_at(t, path + ".threshold", "method") != "training_quantile_of_maximum")
            fail(path + ".threshold.method", "expected \"training_quantile_of_maximum\"");
        m.threshold_quantile = number_at(t, path + ".threshold", "parameter");
        if (!(m.threshold_quantile > 0 && m.threshold_quantile < 1)) fail(path + ".threshold.parameter", "must lie in (0, 1)");
        m.threshold = number_at(t, path + ".threshold", "value");
        if (!(m.threshold > 0)) fail(path + ".threshold.value", "must be positive (the colour scale is anchored there)");
        card.maps.push_back(std::move(m));
    }
    const auto d = root.find("default_map");
    if (d == root.end() || d->is_null()) {
        if (!card.maps.empty()) card.default_map = card.maps.front().name;
        return;
    }
    if (!d->is_string()) fail("default_map", "expected a string");
    card.default_map = d->get<std::string>();
    try {
        map_index(card, card.default_map);
    } catch (const Error& e) {
        fail("default_map", e.what());
    }
}

void parse_projection(const json& root, ModelCard& card) {
    const auto it = root.find("projection");
    if (it == root.end() || it->is_null()) return;  // optional: a card may carry no projection
    if (!it->is_object()) fail("projection", "expected an object or null");
    const json& p = *it;
    Projection& proj = card.projection;
    proj.mean = numbers_at(p, "projection", "mean");
    if (proj.mean.size() != static_cast<std::size_t>(card.latent_size))
        fail("projection.mean", "needs latent_size (" + std::to_string(card.latent_size) + ") values");
    const json& axes = field(p, "projection", "axes");
    if (!axes.is_array() || axes.size() != 2) fail("projection.axes", "expected two arrays");
    for (int a = 0; a < 2; ++a) {
        const std::string here = "projection.axes[" + std::to_string(a) + "]";
        if (!axes[a].is_array() || axes[a].size() != proj.mean.size())
            fail(here, "needs latent_size (" + std::to_string(card.latent_size) + ") numbers");
        proj.axes[a].clear();
        for (std::size_t j = 0; j < axes[a].size(); ++j)
            proj.axes[a].push_back(number_of(axes[a][j], here + "[" + std::to_string(j) + "]"));
    }
    const std::vector<double> ev = numbers_at(p, "projection", "explained_variance");
    if (ev.size() != 2) fail("projection.explained_variance", "expected two numbers");
    proj.explained_variance[0] = ev[0];
    proj.explained_variance[1] = ev[1];
    proj.total_variance = number_at(p, "projection", "total_variance");
    proj.dims = proj.mean.size();
    const json& sample = field(p, "projection", "sample");
    if (!sample.is_array()) fail("projection.sample", "expected an array of [x, y, norm]");
    for (std::size_t i = 0; i < sample.size(); ++i) {
        const std::string here = "projection.sample[" + std::to_string(i) + "]";
        if (!sample[i].is_array() || sample[i].size() != 3) fail(here, "expected [x, y, norm]");
        card.projection_sample.push_back({number_of(sample[i][0], here), number_of(sample[i][1], here),
                                          number_of(sample[i][2], here)});
    }
    card.has_projection = true;
}

void parse_training(const json& root, ModelCard& card) {
    const json& t = object_at(root, "", "training");
    TrainingFacts& f = card.training;
    f.dataset = string_at(t, "training", "dataset");
    f.normal_classes = strings_at(t, "training", "normal_classes");
    f.anomaly_classes = strings_at(t, "training", "anomaly_classes");
    f.contamination = number_at(t, "training", "contamination");
    if (f.contamination < 0.0 || f.contamination >= 1.0) fail("training.contamination", "must lie in [0, 1)");
    f.images_seen = integer_at(t, "training", "images_seen", 0, 1LL << 50);
    f.seed = integer_at(t, "training", "seed", 0, 1LL << 53);
    f.preset = string_at(t, "training", "preset");
    f.commit = string_at(t, "training", "commit");
    f.options_recorded = t.contains("augment") || t.contains("encoder_images") || t.contains("rotation_weight");
    if (f.options_recorded) {  // all three, or none (cards made before they were recorded)
        f.augment = string_at(t, "training", "augment");
        if (f.augment != "none" && f.augment != "dihedral") fail("training.augment", "must be none or dihedral");
        f.encoder_images = integer_at(t, "training", "encoder_images", 0, 1LL << 50);
        f.rotation_weight = number_at(t, "training", "rotation_weight");
        if (f.rotation_weight < 0) fail("training.rotation_weight", "must be 0 or positive");
    }
}

void parse_architecture(const json& root, ModelCard& card) {
    const auto it = root.find("architecture");
    if (it == root.end() || it->is_null()) return;
    if (!it->is_object()) fail("architecture", "expected an object or null");
    if (string_at(*it, "architecture", "family") != "progan") fail("architecture.family", "expected \"progan\"");
    card.architecture.fmap_base = static_cast<int>(integer_at(*it, "architecture", "fmap_base", 1, 1 << 20));
    card.architecture.fmap_max = static_cast<int>(integer_at(*it, "architecture", "fmap_max", 1, 1 << 20));
    card.architecture.present = true;
}

}  // namespace

ModelCard parse_model_card(const std::string& json_text) {
    json root;
    try {
        root = json::parse(json_text);
    } catch (const json::exception& e) {  // parse errors, and numbers too large for a double (found by fuzz/)
        throw Error(std::string("model card is not valid JSON: ") + e.what());
    }
    if (!root.is_object()) throw Error("model card: expected a JSON object at the top level");
    if (string_at(root, "", "format") != kFormat) fail("format", std::string("expected \"") + kFormat + "\"");
    const long long version = integer_at(root, "", "format_version", 1, 1000);
    if (version != ModelCard::kFormatVersion)
        fail("format_version", "this build reads version " + std::to_string(ModelCard::kFormatVersion) +
                                   ", the card has " + std::to_string(version));
    ModelCard card;
    card.name = string_at(root, "", "name");
    if (card.name.empty()) fail("name", "must not be empty");
    card.description = string_at(root, "", "description");
    card.model_file = string_at(root, "", "model_file");
    if (card.model_file.empty()) fail("model_file", "must name the .onnx file");
    card.onnx_sha256 = string_at(root, "", "onnx_sha256");
    if (!card.onnx_sha256.empty() && !is_hex64(card.onnx_sha256))
        fail("onnx_sha256", "expected 64 lowercase hex digits or an empty string");
    parse_input(root, card);
    const json& out = object_at(root, "", "output");
    card.output_name = string_at(out, "output", "name");
    card.latent_size = static_cast<int>(integer_at(out, "output", "size", 1, 1 << 16));
    const json& score = object_at(root, "", "score");
    if (string_at(score, "score", "definition") != "l2_norm") fail("score.definition", "expected \"l2_norm\"");
    card.direction = enum_at(score, "score", "direction", parse_direction);
    parse_calibration(root, card);
    parse_projection(root, card);
    parse_training(root, card);
    parse_architecture(root, card);
    parse_extra_scores(root, card);
    parse_maps(root, card);
    return card;
}

std::vector<ScoreSpec> card_scores(const ModelCard& card) {
    std::vector<ScoreSpec> specs;
    specs.push_back({"norm", card.output_name, "the length of the latent code, ||E(x)||: the paper's cue", card.direction,
                     card.calibration, card.threshold});
    for (const ExtraScore& x : card.extra_scores)
        specs.push_back({x.name, x.output, x.description, x.direction, x.calibration, x.threshold});
    return specs;
}

int map_index(const ModelCard& card, const std::string& name) {
    std::string names;
    for (std::size_t i = 0; i < card.maps.size(); ++i) {
        if (card.maps[i].name == name) return static_cast<int>(i);
        names += (i ? ", " : "") + card.maps[i].name;
    }
    if (card.maps.empty()) throw Error("the model has no anomaly maps (export it again with this version of stratum)");
    throw Error("the model offers no map \"" + name + "\" (it offers: " + names + ")");
}

std::size_t extra_outputs_width(const ModelCard& card) {
    std::size_t width = 0;
    for (const ExtraScore& x : card.extra_scores) width += x.output_width();
    return width;
}

int score_index(const ModelCard& card, const std::string& name) {
    const std::vector<ScoreSpec> specs = card_scores(card);
    std::string names;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].name == name) return static_cast<int>(i);
        names += (i ? ", " : "") + specs[i].name;
    }
    throw Error("the model offers no score \"" + name + "\" (it offers: " + names + ")");
}

// As json::dump(2), except that an array of numbers, or of arrays of numbers, is written one row per
// line: a card's banks and matrices hold tens of thousands of numbers.
bool is_numeric_row(const json& j) {
    return j.is_array() && std::all_of(j.begin(), j.end(), [](const json& v) { return v.is_number(); });
}

void write_indented(const json& j, int depth, std::string& out) {
    const std::string pad(static_cast<std::size_t>(2 * (depth + 1)), ' '), close(static_cast<std::size_t>(2 * depth), ' ');
    if (j.is_object() && !j.empty()) {
        out += "{\n";
        std::size_t i = 0;
        for (auto it = j.begin(); it != j.end(); ++it, ++i) {
            out += pad + json(it.key()).dump() + ": ";
            write_indented(it.value(), depth + 1, out);
            out += i + 1 < j.size() ? ",\n" : "\n";
        }
        out += close + "}";
    } else if (j.is_array() && !j.empty() && !is_numeric_row(j)) {
        const bool rows = std::all_of(j.begin(), j.end(), is_numeric_row);
        out += "[\n";
        for (std::size_t i = 0; i < j.size(); ++i) {
            out += pad;
            if (rows)
                out += j[i].dump();
            else
                write_indented(j[i], depth + 1, out);
            out += i + 1 < j.size() ? ",\n" : "\n";
        }
        out += close + "]";
    } else {
        out += j.dump();
    }
}

std::string write_model_card(const ModelCard& card) {
    json root;
    root["format"] = kFormat;
    root["format_version"] = ModelCard::kFormatVersion;
    root["name"] = card.name;
    root["description"] = card.description;
    root["model_file"] = card.model_file;
    root["onnx_sha256"] = card.onnx_sha256;
    root["input"] = {{"name", card.input_name},
                     {"width", card.input.width},
                     {"height", card.input.height},
                     {"channels", card.input.channels},
                     {"fit", fit_name(card.input.fit)},
                     {"resize_filter", "stb_image_resize: Mitchell when shrinking, Catmull-Rom when enlarging"},
                     {"value_range", {-1.0, 1.0}},
                     {"layout", "NCHW"},
                     {"intensity_window",
                      {{"lo", card.input.window.lo},
                       {"hi", card.input.window.hi},
                       {"units", window_units(card.input.window.depth)},
                       {"source", card.window_source},
                       {"rule", "value -> 2 (value - lo) / (hi - lo) - 1, unclamped; 16-bit samples / 257 for 8-bit "
                                "units, 8-bit samples x 257 for 16-bit units"}}}};
    root["output"] = {{"name", card.output_name}, {"size", card.latent_size}};
    root["score"] = {{"definition", "l2_norm"},
                     {"direction", direction_name(card.direction)},
                     {"calibrated", "robust z-score of the norm: (norm - median) / (1.4826 MAD), oriented by direction"}};
    root["calibration"] = calibration_json(card.calibration, card.threshold);
    if (card.has_projection) {
        json sample = json::array();
        for (const ProjectedPoint& p : card.projection_sample) sample.push_back({p.x, p.y, p.norm});
        root["projection"] = {{"method", "pca"},
                              {"mean", card.projection.mean},
                              {"axes", {card.projection.axes[0], card.projection.axes[1]}},
                              {"explained_variance",
                               {card.projection.explained_variance[0], card.projection.explained_variance[1]}},
                              {"total_variance", card.projection.total_variance},
                              {"sample", sample}};
    } else {
        root["projection"] = nullptr;
    }
    const TrainingFacts& f = card.training;
    root["training"] = {{"dataset", f.dataset},       {"normal_classes", f.normal_classes},
                        {"anomaly_classes", f.anomaly_classes}, {"contamination", f.contamination},
                        {"images_seen", f.images_seen}, {"seed", f.seed},
                        {"preset", f.preset},         {"commit", f.commit}};
    if (f.options_recorded) {
        root["training"]["augment"] = f.augment;
        root["training"]["encoder_images"] = f.encoder_images;
        root["training"]["rotation_weight"] = f.rotation_weight;
    }
    if (card.architecture.present)
        root["architecture"] = {{"family", "progan"},
                                {"fmap_base", card.architecture.fmap_base},
                                {"fmap_max", card.architecture.fmap_max}};
    else
        root["architecture"] = nullptr;
    json extra = json::array();
    for (const ExtraScore& x : card.extra_scores)
        extra.push_back({{"name", x.name},
                         {"output", x.output},
                         {"description", x.description},
                         {"direction", direction_name(x.direction)},
                         {"calibration", calibration_json(x.calibration, x.threshold)},
                         {"neighbours", x.has_neighbours ? neighbours_json(x.neighbours) : json(nullptr)},
                         {"gaussian", x.has_gaussian ? gaussian_json(x.gaussian) : json(nullptr)}});
    root["extra_scores"] = extra;
    root["default_score"] = card.default_score;
    if (!card.maps.empty()) {
        json maps = json::array();
        for (const MapSpec& m : card.maps)
            maps.push_back({{"name", m.name},
                            {"output", m.output},
                            {"description", m.description},
                            {"width", m.width},
                            {"height", m.height},
                            {"calibrated", "per position: (raw - median) / spread, spread = 1.4826 MAD over the training images"},
                            {"median", m.median},
                            {"spread", m.spread},
                            {"threshold", {{"method", "training_quantile_of_maximum"},
                                           {"parameter", m.threshold_quantile},
                                           {"value", m.threshold}}}});
        root["maps"] = maps;
        root["default_map"] = card.default_map;
    }
    std::string out;
    write_indented(root, 0, out);
    return out + "\n";
}

}  // namespace stratum
