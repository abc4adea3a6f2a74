#include "localise.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "anomaly_map.h"
#include "dataset.h"
#include "error.h"
#include "native_encoder.h"
#include "roc.h"
#include "run_files.h"
#include "stats.h"

namespace stratum::train {
namespace fs = std::filesystem;

namespace {

constexpr int kBatch = 64;
constexpr const char* kYardstick = "pixel_deviation";

// Every candidate map's raw values for n images, batch after batch: per map, n x h x w.
NativeEncoder::CandidateMaps maps_of(NativeEncoder& encoder, const float* images, std::size_t n, std::size_t image_values) {
    NativeEncoder::CandidateMaps all;
    for (std::size_t at = 0; at < n; at += kBatch) {
        const int count = static_cast<int>(std::min<std::size_t>(kBatch, n - at));
        NativeEncoder::CandidateMaps part = encoder.candidate_maps(images + at * image_values, count);
        if (all.specs.empty()) {
            all = std::move(part);
            continue;
        }
        for (std::size_t m = 0; m < part.raw.size(); ++m) all.raw[m].insert(all.raw[m].end(), part.raw[m].begin(), part.raw[m].end());
    }
    return all;
}

// The yardstick's raw map: per position, the mean over channels of |x - the training images' median there|.
std::vector<float> pixel_deviation(const float* images, std::size_t n, const std::vector<float>& median, const InputSpec& in) {
    const std::size_t plane = static_cast<std::size_t>(in.width) * in.height;
    std::vector<float> out(n * plane, 0.0f);
    for (std::size_t i = 0; i < n; ++i)
        for (int c = 0; c < in.channels; ++c)
            for (std::size_t p = 0; p < plane; ++p)
                out[i * plane + p] += std::abs(images[(i * in.channels + c) * plane + p] - median[c * plane + p]) / in.channels;
    return out;
}

std::vector<float> per_value_median(const std::vector<float>& images, std::size_t n, std::size_t values) {
    std::vector<float> median(values);
    std::vector<double> column(n);
    for (std::size_t v = 0; v < values; ++v) {
        for (std::size_t i = 0; i < n; ++i) column[i] = images[i * values + v];
        median[v] = static_cast<float>(quantile(column, 0.5));
    }
    return median;
}

struct Defective {
    std::vector<float> images;      // n x C x R x R
    std::vector<std::uint8_t> mask;  // n x R x R, 1 on the defect
};

// Pastes one defect of `size` input pixels into each image (a generator per cell: the same defects for
// every map).
Defective with_defects(const ImageSet& normal, const ImageSet& other, const std::string& kind, int size, std::mt19937_64& rng) {
    const int r = normal.size, channels = normal.channels;
    const std::size_t plane = static_cast<std::size_t>(r) * r;
    Defective d{normal.values, std::vector<std::uint8_t>(normal.count() * plane, 0)};
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t i = 0; i < normal.count(); ++i) {
        float* x = d.images.data() + i * channels * plane;
        std::uint8_t* mask = d.mask.data() + i * plane;
        const double lo = size / 2.0, span = r - size;  // a centre that keeps the defect inside
        const double cx = lo + unit(rng) * span, cy = lo + unit(rng) * span;
        if (kind == "patch") {
            // The middle of another image (where its object is) pasted as a size x size square.
            const std::size_t j = static_cast<std::size_t>(unit(rng) * other.count()) % other.count();
            const float* source = other.image(j);
            const int x0 = static_cast<int>(cx - lo), y0 = static_cast<int>(cy - lo), s0 = (r - size) / 2;
            for (int y = 0; y < size; ++y)
                for (int xx = 0; xx < size; ++xx) {
                    const std::size_t to = static_cast<std::size_t>(y0 + y) * r + (x0 + xx);
                    const std::size_t from = static_cast<std::size_t>(s0 + y) * r + (s0 + xx);
                    for (int c = 0; c < channels; ++c) x[c * plane + to] = source[c * plane + from];
                    mask[to] = 1;
                }
        } else if (kind == "blob") {
            // A disc darkened to 35 % of its brightness (from black), as a dark inclusion or stain.
            for (int y = 0; y < r; ++y)
                for (int xx = 0; xx < r; ++xx) {
                    const double dx = xx + 0.5 - cx, dy = y + 0.5 - cy;
                    if (dx * dx + dy * dy > lo * lo) continue;
                    const std::size_t at = static_cast<std::size_t>(y) * r + xx;
                    for (int c = 0; c < channels; ++c) x[c * plane + at] = (x[c * plane + at] + 1.0f) * 0.35f - 1.0f;
                    mask[at] = 1;
                }
        } else {
            // A dark line one pixel wide, `size` pixels long, at a random angle (a fibre or a scratch on a
            // bright-field slide; a bright line would vanish into the bright background).
            const double angle = unit(rng) * 3.14159265358979;
            for (double t = -lo; t <= lo; t += 0.25) {
                const int px = std::min(r - 1, std::max(0, static_cast<int>(std::floor(cx + t * std::cos(angle)))));
                const int py = std::min(r - 1, std::max(0, static_cast<int>(std::floor(cy + t * std::sin(angle)))));
                const std::size_t at = static_cast<std::size_t>(py) * r + px;
                for (int c = 0; c < channels; ++c) x[c * plane + at] = -0.8f;
                mask[at] = 1;
            }
        }
    }
    return d;
}

LocaliseCell score_cell(const std::string& kind, int size, const MapSpec& spec, const std::vector<float>& raw,
                        const Defective& d, std::size_t n, const InputSpec& in) {
    const std::size_t plane = static_cast<std::size_t>(in.width) * in.height, positions = static_cast<std::size_t>(spec.width) * spec.height;
    std::vector<double> scores;
    std::vector<bool> labels;
    scores.reserve(n * plane);
    labels.reserve(n * plane);
    std::size_t hits = 0, defect_pixels = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::vector<float> m = map_at_input(raw.data() + i * positions, positions, spec, in);
        const std::uint8_t* mask = d.mask.data() + i * plane;
        for (std::size_t p = 0; p < plane; ++p) {
            scores.push_back(m[p]);
            labels.push_back(mask[p] != 0);
            defect_pixels += mask[p];
        }
        hits += mask[static_cast<std::size_t>(std::max_element(m.begin(), m.end()) - m.begin())];
    }
    LocaliseCell cell;
    cell.defect = kind;
    cell.size = size;
    cell.map = spec.name;
    cell.pixel_auroc = auroc(scores, labels);
    cell.hit_rate = static_cast<double>(hits) / n;
    cell.chance_hit = static_cast<double>(defect_pixels) / (n * plane);
    return cell;
}

ImageSet load_folder(const std::string& folder, std::size_t limit, const InputSpec& in, int threads, const char* what) {
    std::vector<ImageSource> sources = list_sources(folder).sources;
    if (sources.size() > limit) sources.resize(limit);
    WindowChoice window;
    window.window = in.window;
    ImageSet set = load_images(sources, in.width, in.channels, threads, window);
    if (set.count() < 2) throw Error(std::string(what) + " " + folder + ": fewer than 2 readable images");
    return set;
}

}  // namespace

std::vector<LocaliseCell> run_localise(const LocaliseOptions& o) {
    auto encoder = NativeEncoder::open(o.model, o.device, o.threads);
    const ModelCard& card = encoder->card();
    const InputSpec& in = card.input;
    if (in.width != in.height) throw Error("localise: the model's input is not square");
    const std::size_t image_values = static_cast<std::size_t>(in.channels) * in.width * in.height;

    // The training images, as the card's maps were calibrated.
    std::vector<ImageSource> calibration_sources;
    if (fs::is_regular_file(o.calibrate)) {
        const TrainingSelection selection = read_training_set(o.calibrate);
        calibration_sources = selection.normal;
        calibration_sources.insert(calibration_sources.end(), selection.contamination.begin(), selection.contamination.end());
    } else {
        calibration_sources = list_sources(o.calibrate).sources;
    }
    WindowChoice window;
    window.window = in.window;
    const ImageSet calibration = load_images(calibration_sources, in.width, in.channels, o.threads, window);
    if (calibration.count() < 2) throw Error("localise: --calibrate " + o.calibrate + " gave fewer than 2 images");
    const ImageSet normal = load_folder(o.normal, static_cast<std::size_t>(o.images), in, o.threads, "--normal");
    const ImageSet other = load_folder(o.other, 2000, in, o.threads, "--other");
    std::cerr << "stratum localise: " << calibration.count() << " calibration images, " << normal.count() << " normal images, "
              << other.count() << " patch sources\n";

    NativeEncoder::CandidateMaps calibration_maps = maps_of(*encoder, calibration.values.data(), calibration.count(), image_values);
    std::vector<MapSpec> specs;
    for (std::size_t m = 0; m < calibration_maps.specs.size(); ++m)
        specs.push_back(calibrate_map_spec(calibration_maps.specs[m], calibration_maps.raw[m].data(), calibration.count(), in, 0.95));
    const std::vector<float> median = per_value_median(calibration.values, calibration.count(), image_values);
    MapSpec yardstick;
    yardstick.name = kYardstick;
    yardstick.width = in.width;
    yardstick.height = in.height;
    yardstick = calibrate_map_spec(yardstick, pixel_deviation(calibration.values.data(), calibration.count(), median, in).data(),
                                   calibration.count(), in, 0.95);

    std::vector<LocaliseCell> cells;
    std::printf("%-8s %5s  %-16s %12s %9s %9s\n", "defect", "size", "map", "pixel_AUROC", "hit_rate", "chance");
    const std::vector<std::string> kinds{"patch", "blob", "scratch"};
    for (std::size_t k = 0; k < kinds.size(); ++k)
        for (int size32 : o.sizes) {
            const int size = std::max(1, std::min(in.width, static_cast<int>(std::lround(size32 * in.width / 32.0))));
            std::mt19937_64 rng(o.seed * 1000003ull + k * 1009ull + static_cast<unsigned long long>(size));
            const Defective d = with_defects(normal, other, kinds[k], size, rng);
            const NativeEncoder::CandidateMaps maps = maps_of(*encoder, d.images.data(), normal.count(), image_values);
            for (std::size_t m = 0; m < specs.size(); ++m)
                cells.push_back(score_cell(kinds[k], size, specs[m], maps.raw[m], d, normal.count(), in));
            cells.push_back(score_cell(kinds[k], size, yardstick, pixel_deviation(d.images.data(), normal.count(), median, in), d,
                                       normal.count(), in));
            for (std::size_t c = cells.size() - specs.size() - 1; c < cells.size(); ++c)
                std::printf("%-8s %5d  %-16s %12.3f %9.3f %9.3f\n", cells[c].defect.c_str(), cells[c].size, cells[c].map.c_str(),
                            cells[c].pixel_auroc, cells[c].hit_rate, cells[c].chance_hit);
            std::fflush(stdout);
        }
    if (!o.out.empty()) {
        nlohmann::json j;
        j["model"] = card.name;
        j["model_file"] = o.model;
        j["onnx_sha256"] = card.onnx_sha256;
        j["input"] = {in.width, in.height, in.channels};
        j["calibration_images"] = calibration.count();
        j["normal_images"] = normal.count();
        j["seed"] = o.seed;
        j["cells"] = nlohmann::json::array();
        for (const LocaliseCell& c : cells)
            j["cells"].push_back({{"defect", c.defect}, {"size", c.size}, {"map", c.map}, {"pixel_auroc", c.pixel_auroc},
                                  {"hit_rate", c.hit_rate}, {"chance_hit", c.chance_hit}});
        write_file_atomic(o.out, j.dump(2) + "\n");
    }
    return cells;
}

}  // namespace stratum::train
