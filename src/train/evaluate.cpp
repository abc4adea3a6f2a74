#include "evaluate.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "error.h"
#include "run_files.h"
#include "score_heads.h"
#include "scoring_session.h"
#include "stats.h"

namespace stratum::train {
namespace {

constexpr std::size_t kTrainingSample = 5000;  // training images used for calibration and the PCA baseline
constexpr int kPcaMaxComponents = 64;
constexpr double kPcaVariance = 0.9;

torch::Tensor as_float(const ImageSet& set, std::int64_t begin, std::int64_t end) {
    const std::int64_t per = static_cast<std::int64_t>(set.channels) * set.size * set.size;
    return torch::from_blob(const_cast<float*>(set.values.data()) + begin * per,
                            {end - begin, set.channels, set.size, set.size}, torch::kFloat32)
        .clone();
}

// Per-image scores that need the networks, and the feature sets the distance scores start from.
struct NetScores {
    std::vector<double> norm, reconstruction, feature, feature_max, brightness;
    std::vector<double> rotation;  // rotation_loss_per_image (steps.h); empty without a rotation head
    torch::Tensor colour;  // colour_features (score_heads.h), [N, D] float64 on the CPU
    // Feature sets for the distance scores and the feature probe, [N, D] float64 on the CPU each:
    // "critic_pooled" (every critic resolution, pooled), "encoder_pooled", "critic_level<l>" and
    // "encoder_level<l>" (one resolution each, l = 0 the input size), "latent", and the non-deep
    // "pixel_colour" (mean and spread of each colour channel) and "pixel_histogram" (8 bins a channel).
    std::map<std::string, torch::Tensor> sets;
};

// Per channel, the mean and the standard deviation over positions of every given activation, as the
// shipped scores pool them (score_heads.h).
torch::Tensor pooled(const std::vector<torch::Tensor>& levels) {
    std::vector<torch::Tensor> parts;
    for (const torch::Tensor& a : levels) parts.push_back(mean_and_spread(a));
    return torch::cat(parts, 1).to(torch::kCPU, torch::kFloat64);
}

// Each colour channel's histogram over 8 equal bins of [-1, 1], as fractions of the pixels.
torch::Tensor pixel_histogram(const torch::Tensor& x) {
    const torch::Tensor flat = x.flatten(2).to(torch::kCPU, torch::kFloat64);
    const torch::Tensor bins = ((flat + 1) * 4).floor().clamp(0, 7).to(torch::kLong);
    torch::Tensor h = torch::zeros({x.size(0), x.size(1), 8}, torch::kFloat64);
    h.scatter_add_(2, bins, torch::ones(bins.sizes(), torch::kFloat64));
    return (h / static_cast<double>(flat.size(2))).flatten(1);
}

// `untrained`: the critic as training started (same seed), for the colour score without training.
// Every image goes through the networks once (ScoringSession): the graph's scores and the feature
// sets of the probe tables come from the same pass.
NetScores score_with_networks(ScoringSession& session, const ImageSet& set, Critic* untrained = nullptr) {
    torch::NoGradGuard no_grad;
    NetScores s;
    Models& m = session.models();
    const NetConfig& net = session.net();
    const int stage = net.stages();
    std::map<std::string, std::vector<torch::Tensor>> parts;
    std::vector<torch::Tensor> colour;
    session.run_all(set.values.data(), static_cast<std::int64_t>(set.count()), 128, true, [&](std::int64_t, const ScoringPass& p) {
        const torch::Tensor& x = p.x;
        append_values(s.norm, p.z.norm(2, 1));
        append_values(s.feature, p.extras.select(1, 0));
        append_values(s.reconstruction, p.extras.select(1, 1));
        colour.push_back(extra_output(p.extras, net, extra_score_index("colour")));
        append_values(s.brightness, x.flatten(1).mean(1));
        if (m.rotation) append_values(s.rotation, rotation_loss_per_image(m, x, stage, 1.0));
        const std::int64_t c4 = net.width_at(4);
        append_values(s.feature_max, (p.features - p.reconstructed_features).abs().view({x.size(0), c4, 16}).mean(1).amax(1));
        const std::vector<torch::Tensor> d_acts = m.d->trunk->activations(x, stage);
        const std::vector<torch::Tensor>& e_acts = p.encoder_activations;
        parts["critic_pooled"].push_back(pooled(d_acts));
        parts["encoder_pooled"].push_back(extra_output(p.extras, net, extra_score_index("encoder_gaussian")));
        for (std::size_t l = 0; l < d_acts.size(); ++l) {
            parts["critic_level" + std::to_string(l)].push_back(pooled({d_acts[l]}));
            parts["encoder_level" + std::to_string(l)].push_back(pooled({e_acts[l]}));
        }
        parts["latent"].push_back(p.z.to(torch::kCPU, torch::kFloat64));
        parts["pixel_colour"].push_back(pooled({x}));
        parts["pixel_histogram"].push_back(pixel_histogram(x));
        if (untrained) parts["untrained_colour"].push_back(colour_features(*untrained, x, stage).to(torch::kCPU, torch::kFloat64));
    });
    s.colour = torch::cat(colour);
    for (auto& [k, v] : parts) s.sets[k] = torch::cat(v);
    return s;
}

// Mahalanobis distance to a Gaussian fitted on the training features (score_heads.h: the shipped
// encoder_gaussian score's fit and the core's distance).
// No value (NaN) where no Gaussian can be fitted (fewer than 2 training images, or features that do
// not vary), as the distance scores give none with too few images.
std::vector<double> gaussian_distance(const torch::Tensor& train, const torch::Tensor& test) {
    try {
        return gaussian_scores(fit_gaussian(train), test);
    } catch (const Error&) {
        return std::vector<double>(static_cast<std::size_t>(test.size(0)), NAN);
    }
}

// Non-deep yardstick: squared error of reconstructing the pixels from the top principal components of
// the training pixels (as many as explain 90 % of the variance, at most 64).
std::vector<double> pca_pixel_error(const ImageSet& train, const ImageSet& test) {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = as_float(train, 0, static_cast<std::int64_t>(train.count())).flatten(1).to(torch::kFloat64);
    const torch::Tensor mean = x.mean(0, true);
    const auto svd = torch::linalg::svd(x - mean, /*full_matrices=*/false, c10::nullopt);
    const torch::Tensor s2 = std::get<1>(svd).pow(2);
    const torch::Tensor cumulative = s2.cumsum(0) / s2.sum();
    std::int64_t k = 1;
    while (k < cumulative.size(0) && cumulative[k - 1].item<double>() < kPcaVariance) ++k;
    k = std::min<std::int64_t>(k, kPcaMaxComponents);
    const torch::Tensor v = std::get<2>(svd).slice(0, 0, k);  // [k, D]
    const torch::Tensor t = as_float(test, 0, static_cast<std::int64_t>(test.count())).flatten(1).to(torch::kFloat64) - mean;
    const torch::Tensor residual = t - torch::matmul(torch::matmul(t, v.t()), v);
    const torch::Tensor err = residual.pow(2).mean(1);
    return std::vector<double>(err.data_ptr<double>(), err.data_ptr<double>() + err.numel());
}

ScoreResult summarise(const std::string& name, const std::string& description, const std::vector<double>& scores,
                      const std::vector<bool>& labels, int bins) {
    ScoreResult r;
    r.name = name;
    r.description = description;
    r.auroc = auroc(scores, labels);
    double lo = *std::min_element(scores.begin(), scores.end()), hi = *std::max_element(scores.begin(), scores.end());
    if (!(hi > lo)) hi = lo + 1.0;
    std::vector<double> normal, anomalous;
    for (std::size_t i = 0; i < scores.size(); ++i) (labels[i] ? anomalous : normal).push_back(scores[i]);
    r.normal = histogram(normal, lo, hi, static_cast<std::size_t>(bins));
    r.anomalous = histogram(anomalous, lo, hi, static_cast<std::size_t>(bins));
    return r;
}

nlohmann::json histogram_json(const Histogram& h) {
    return {{"lo", h.lo}, {"hi", h.hi}, {"counts", h.counts}};
}

Histogram histogram_from(const nlohmann::json& j) {
    Histogram h;
    h.lo = j.at("lo").get<double>();
    h.hi = j.at("hi").get<double>();
    h.counts = j.at("counts").get<std::vector<std::size_t>>();
    return h;
}

}  // namespace

EvalResult evaluate_run(const EvalOptions& o) {
    const RunFiles run{o.run_dir};
    if (!std::filesystem::exists(run.checkpoint())) throw Error(o.run_dir + ": no checkpoint.pt");
    const TrainConfig config = config_from_json(read_text_file(run.config()));
    if (o.threads > 0) torch::set_num_threads(o.threads);
    const torch::Device device = pick_device(o.device);
    Models m(config.net, config.schedule.rotation_weight);
    EvalResult result;
    result.images_seen = load_checkpoint(run.checkpoint(), m, nullptr, torch::kCPU).images_seen;
    const Phase phase = phase_at(config, result.images_seen);
    if (phase.stage != config.net.stages() || phase.alpha < 1.0)
        throw Error("the run has not reached its final resolution yet");
    ScoringSession session(m, device);
    if (m.rotation) m.rotation->to(device);  // the rotation score's head, beside the scoring networks

    // Test split.
    const std::vector<std::string> normal = o.normal.empty() ? config.data.normal : o.normal;
    if (normal.empty()) throw Error("the run trained on every class: say which are normal with --normal");
    const SourceListing listing = list_sources(o.test_path, o.split);
    warn_listing_problems(listing, "eval");
    std::map<std::string, std::vector<ImageSource>> by_class;
    for (const ImageSource& s : listing.sources) by_class[s.label].push_back(s);
    auto listed = [](const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    for (const std::string& c : normal)
        if (!by_class.count(c)) throw Error("normal class \"" + c + "\" is not in " + o.test_path);
    std::vector<ImageSource> test;
    std::vector<bool> labels_by_source;
    for (const auto& [label, sources] : by_class) {
        const bool is_normal = listed(normal, label);
        const bool is_anomalous = o.anomalous.empty() ? !is_normal : listed(o.anomalous, label);
        if (!is_normal && !is_anomalous) continue;
        for (const ImageSource& s : subsample(sources, static_cast<std::size_t>(o.max_per_class), config.seed ^ 0x54455354ull))
            test.push_back(s);
    }
    const WindowChoice window = read_run_window(run);
    const ImageSet test_set = load_images(test, config.net.resolution, config.net.channels, o.threads, window);
    result.skipped = test_set.skipped;
    std::vector<bool> labels;
    for (const ImageSource& s : test_set.sources) labels.push_back(!listed(normal, s.label));
    result.anomalous_count = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), true));
    result.normal_count = labels.size() - result.anomalous_count;

    // Training images: calibration of the norm and the PCA baseline.
    const TrainingSelection selection = read_training_set(run.training_set());
    std::vector<ImageSource> train_sources = selection.normal;
    train_sources.insert(train_sources.end(), selection.contamination.begin(), selection.contamination.end());
    const ImageSet train_set = load_images(subsample(train_sources, kTrainingSample, config.seed ^ 0x43414C49ull),
                                           config.net.resolution, config.net.channels, o.threads, window);
    // The networks as training started (the trainer seeds them with the run's seed alone): a yardstick
    // that says how much of the colour score the training made.
    torch::manual_seed(config.seed);
    Models initial(config.net);
    initial.d->to(device);
    initial.d->trunk->mbstd_group = 1;
    initial.d->eval();
    const NetScores train_scores = score_with_networks(session, train_set, &initial.d);
    result.training_norm_median = median(train_scores.norm);
    result.training_norm_mad = mad(train_scores.norm);

    const NetScores s = score_with_networks(session, test_set, &initial.d);
    std::vector<double> deviation, combined;
    const double scale = result.training_norm_mad > 0 ? result.training_norm_mad : 1.0;
    for (std::size_t i = 0; i < s.norm.size(); ++i) {
        deviation.push_back(std::fabs(s.norm[i] - result.training_norm_median) / scale);
        combined.push_back(0.9 * s.feature[i] + 0.1 * s.reconstruction[i]);
    }
    const int bins = o.histogram_bins;
    const std::vector<double> pca = pca_pixel_error(train_set, test_set);
    result.samples.anomalous = labels;
    for (const ImageSource& src : test_set.sources) result.samples.files.push_back(src.location);
    // Distance scores: a Gaussian or the nearest neighbours of the training sample (contamination
    // included), in a feature set. "colour" is the product's score, through the same functions as export.
    auto knn_set = [&](const torch::Tensor& train, const torch::Tensor& test) {
        if (train.size(0) <= kColourNeighbours)  // too few training images for a bank: no value
            return std::vector<double>(static_cast<std::size_t>(test.size(0)), NAN);
        std::vector<std::int64_t> chosen;
        return colour_scores(colour_bank(train, config.seed ^ 0x434F4C52ull, chosen), test, {});
    };
    const std::vector<double> colour = knn_set(train_scores.colour, s.colour);
    const std::vector<double> critic_gaussian = gaussian_distance(train_scores.sets.at("critic_pooled"), s.sets.at("critic_pooled"));
    const std::vector<double> critic_knn = knn_set(train_scores.sets.at("critic_pooled"), s.sets.at("critic_pooled"));
    const std::vector<double> encoder_gaussian = gaussian_distance(train_scores.sets.at("encoder_pooled"), s.sets.at("encoder_pooled"));
    const std::vector<double> untrained_colour = knn_set(train_scores.sets.at("untrained_colour"), s.sets.at("untrained_colour"));
    const std::vector<double> pixel_colour = knn_set(train_scores.sets.at("pixel_colour"), s.sets.at("pixel_colour"));
    if (o.feature_probe) {
        // A lever for contamination that was tried and not kept: drop from the colour bank the fraction q
        // of points farthest (mean distance to their K nearest others) from the rest, then score as usual.
        std::vector<std::int64_t> chosen;
        const NeighbourBank full = colour_bank(train_scores.colour, config.seed ^ 0x434F4C52ull, chosen);
        const std::size_t dims = full.dims();
        for (int K : {20, 50, 100}) {
            NeighbourBank wide = full;
            wide.k = K;
            std::vector<std::pair<double, std::size_t>> spread;
            std::vector<float> f(dims);
            for (std::size_t i = 0; i < full.count(); ++i) {
                for (std::size_t j = 0; j < dims; ++j)  // back to feature units, as the bank standardises them
                    f[j] = static_cast<float>(full.points[i * dims + j] * full.scale[j] + full.center[j]);
                spread.push_back({neighbour_distance(wide, f.data(), static_cast<std::ptrdiff_t>(i)), i});
            }
            std::sort(spread.begin(), spread.end());
            for (double q : {0.05, 0.1, 0.2}) {
                NeighbourBank trimmed = full;
                trimmed.points.clear();
                const std::size_t keep = static_cast<std::size_t>(static_cast<double>(spread.size()) * (1 - q));
                for (std::size_t r = 0; r < keep; ++r) {
                    const auto first = full.points.begin() + static_cast<long>(spread[r].second * dims);
                    trimmed.points.insert(trimmed.points.end(), first, first + static_cast<long>(dims));
                }
                std::printf("colour bank trimmed (K %d, q %.2f): AUROC %.4f\n", K, q,
                            auroc(colour_scores(trimmed, s.colour, {}), labels));
            }
        }
    }
    if (o.feature_probe) {
        std::cout << "feature probe (AUROC of the distance to the training sample in each feature set):\n";
        for (const auto& [k, test] : s.sets) {
            const torch::Tensor& train = train_scores.sets.at(k);
            std::printf("  %-18s %4lld dims  gaussian %.4f  5-nn %.4f\n", k.c_str(), static_cast<long long>(test.size(1)),
                        auroc(gaussian_distance(train, test), labels), auroc(knn_set(train, test), labels));
        }
    }
    result.samples.scores = {s.norm, deviation, s.reconstruction, s.feature, combined, pca, s.brightness,
                             colour, s.feature_max, critic_gaussian, critic_knn, encoder_gaussian, untrained_colour,
                             pixel_colour};
    result.scores.push_back(summarise("norm", "||E(x)||, larger = anomalous (the paper's cue)", s.norm, labels, bins));
    result.scores.push_back(summarise("norm_deviation", "|norm - training median| / training MAD", deviation, labels, bins));
    result.scores.push_back(summarise("reconstruction", "mean |x - G_ema(E(x))|", s.reconstruction, labels, bins));
    result.scores.push_back(summarise("feature", "mean |f(x) - f(G_ema(E(x)))|, f = D's 4x4 features", s.feature, labels, bins));
    result.scores.push_back(summarise("combined", "0.9 feature + 0.1 reconstruction", combined, labels, bins));
    result.scores.push_back(summarise("pca_pixels", "PCA reconstruction error on pixels (non-deep baseline)", pca,
                                      labels, bins));
    result.scores.push_back(summarise("brightness", "mean pixel value (non-deep baseline)", s.brightness, labels, bins));
    result.scores.push_back(summarise("colour", extra_score_infos()[extra_score_index("colour")].description, colour, labels, bins));
    result.scores.push_back(summarise("feature_max", "max over 4x4 positions of the channel-mean |f(x) - f(G_ema(E(x)))|",
                                      s.feature_max, labels, bins));
    result.scores.push_back(summarise("critic_gaussian",
                                      "Mahalanobis distance of D's pooled multi-resolution features to the training set's Gaussian",
                                      critic_gaussian, labels, bins));
    result.scores.push_back(summarise("critic_knn", "mean distance to the 5 nearest training images in D's pooled multi-resolution features",
                                      critic_knn, labels, bins));
    result.scores.push_back(summarise("encoder_gaussian", extra_score_infos()[extra_score_index("encoder_gaussian")].description, encoder_gaussian, labels, bins));
    result.scores.push_back(summarise("untrained_colour", "the colour score with the critic as training started (yardstick)",
                                      untrained_colour, labels, bins));
    result.scores.push_back(summarise("pixel_colour",
                                      "5-nn distance in each colour channel's mean and spread over the image (non-deep yardstick)",
                                      pixel_colour, labels, bins));
    if (m.rotation) {  // last, so that the scores before it keep their positions in every evaluation
        result.samples.scores.push_back(s.rotation);
        result.scores.push_back(summarise("rotation",
                                      "cross-entropy of the critic's rotation head over the 4 quarter turns (runs made with "
                                      "--rotation-loss; Golan and El-Yaniv 2018)",
                                      s.rotation, labels, bins));
    }
    std::vector<double> normal_norm, normal_bright;
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (!labels[i]) {
            normal_norm.push_back(s.norm[i]);
            normal_bright.push_back(s.brightness[i]);
        }
    result.spearman_norm_brightness_normal = spearman(normal_norm, normal_bright);
    return result;
}

std::string eval_to_json(const EvalOptions& o, const EvalResult& r) {
    nlohmann::json scores = nlohmann::json::array();
    for (const ScoreResult& s : r.scores)
        scores.push_back({{"name", s.name}, {"description", s.description}, {"auroc", s.auroc},
                          {"histogram_normal", histogram_json(s.normal)},
                          {"histogram_anomalous", histogram_json(s.anomalous)}});
    return nlohmann::json{{"run", o.run_dir},
                          {"test_path", o.test_path},
                          {"images_seen", r.images_seen},
                          {"normal_count", r.normal_count},
                          {"anomalous_count", r.anomalous_count},
                          {"training_norm_median", r.training_norm_median},
                          {"training_norm_mad", r.training_norm_mad},
                          {"spearman_norm_brightness_normal", r.spearman_norm_brightness_normal},
                          {"skipped", r.skipped},
                          {"scores", scores},
                          {"samples", {{"files", r.samples.files},
                                       {"anomalous", r.samples.anomalous},
                                       {"scores", r.samples.scores}}}}
               .dump(1) + "\n";
}

EvalResult eval_from_json(const std::string& text) {
    try {
        const nlohmann::json j = nlohmann::json::parse(text);
        EvalResult r;
        r.images_seen = j.at("images_seen").get<std::int64_t>();
        r.normal_count = j.at("normal_count").get<std::size_t>();
        r.anomalous_count = j.at("anomalous_count").get<std::size_t>();
        r.training_norm_median = j.at("training_norm_median").get<double>();
        r.training_norm_mad = j.at("training_norm_mad").get<double>();
        r.spearman_norm_brightness_normal = j.at("spearman_norm_brightness_normal").get<double>();
        r.skipped = j.at("skipped").get<std::vector<std::string>>();
        for (const nlohmann::json& s : j.at("scores")) {
            ScoreResult x;
            x.name = s.at("name").get<std::string>();
            x.description = s.at("description").get<std::string>();
            x.auroc = s.at("auroc").get<double>();
            x.normal = histogram_from(s.at("histogram_normal"));
            x.anomalous = histogram_from(s.at("histogram_anomalous"));
            r.scores.push_back(x);
        }
        if (j.contains("samples")) {
            const nlohmann::json& smp = j.at("samples");
            r.samples.files = smp.at("files").get<std::vector<std::string>>();
            r.samples.anomalous = smp.at("anomalous").get<std::vector<bool>>();
            r.samples.scores = smp.at("scores").get<std::vector<std::vector<double>>>();
        }
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("eval results: ") + e.what());
    }
}

}  // namespace stratum::train
