#include "export.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "checkpoint.h"
#include "encoder_onnx.h"
#include "error.h"
#include "map_heads.h"
#include "model_card.h"
#include "run_files.h"
#include "score_heads.h"
#include "scoring_session.h"
#include "sha256.h"

namespace stratum::train {
namespace fs = std::filesystem;

std::vector<std::string> exportable_score_names() {
    std::vector<std::string> names = {"norm"};
    for (const ExtraScoreInfo& info : extra_score_infos()) names.push_back(info.name);
    return names;
}

ExportResult export_run(const ExportOptions& o) {
    const RunFiles run{o.run_dir};
    if (!fs::exists(run.config())) throw Error(o.run_dir + ": not a run folder (no config.json)");
    if (!fs::exists(run.checkpoint())) throw Error(o.run_dir + ": no checkpoint.pt yet");
    TrainConfig config = config_from_json(read_text_file(run.config()));
    if (o.threads > 0) torch::set_num_threads(o.threads);
    const torch::Device device = pick_device(o.device);

    Models models(config.net);
    const CheckpointState state = load_checkpoint(run.checkpoint(), models, nullptr, torch::kCPU);
    const Phase phase = phase_at(config, state.images_seen);
    if (phase.stage != config.net.stages() || phase.alpha < 1.0)
        throw Error("the run is still growing (at " + std::to_string(phase.resolution()) +
                    " px): export needs the final resolution, fully faded in");
    Encoder& encoder = models.e;
    if (o.encoder_only && o.default_score != "norm" && o.default_score != ExportOptions{}.default_score)
        throw Error("an encoder-only export has only the norm: drop --default-score " + o.default_score);

    const std::string out_dir = o.out_dir.empty() ? run.export_dir() : o.out_dir;
    fs::create_directories(out_dir);
    const std::string onnx_path = out_dir + "/encoder.onnx", card_path = out_dir + "/encoder.json";
    std::string bytes;
    const std::string doc = "stratum encoder E of arXiv 1905.11034, from " + o.run_dir;
    if (o.encoder_only)
        encoder_to_onnx(encoder, doc).SerializeToString(&bytes);
    else
        scorer_to_onnx(encoder, models.g_ema, models.d, doc + " (with G_ema and D's trunk for the extra scores)")
            .SerializeToString(&bytes);
    // Both files are written at the end, once the card is known to be valid: a failed export leaves the
    // previous pair as it was.

    // Latents of the training set, in batches, through the libtorch module (the same weights).
    const TrainingSelection selection = read_training_set(run.training_set());
    std::vector<ImageSource> sources = selection.normal;
    sources.insert(sources.end(), selection.contamination.begin(), selection.contamination.end());
    std::cerr << "stratum export: encoding " << sources.size() << " training images\n";
    const WindowChoice window = read_run_window(run);
    const ImageSet set = load_images(sources, config.net.resolution, config.net.channels, o.threads, window);
    ScoringSession session(models, device);  // the graph's layout, as `stratum score` runs it
    const int latent = config.net.latent;
    std::vector<float> latents;
    std::vector<double> norms;
    std::vector<torch::Tensor> extra_parts;  // the graph's extra outputs (ScoringPass::extras), [n, W] per batch
    const std::vector<MapInfo> maps = exported_maps(config.net);
    std::vector<std::vector<torch::Tensor>> map_parts(maps.size());  // raw residual maps, [n, 1, r, r] per batch
    session.run_all(set.values.data(), static_cast<std::int64_t>(set.count()), 256, !o.encoder_only,
                    [&](std::int64_t, const ScoringPass& pass) {
                        const torch::Tensor z = pass.z.to(torch::kCPU).contiguous();
                        latents.insert(latents.end(), z.data_ptr<float>(), z.data_ptr<float>() + z.numel());
                        for (std::int64_t r = 0; r < z.size(0); ++r) norms.push_back(l2_norm(z[r].data_ptr<float>(), latent));
                        if (o.encoder_only) return;
                        extra_parts.push_back(pass.extras);
                        for (std::size_t k = 0; k < maps.size(); ++k)
                            map_parts[k].push_back(residual_map(maps[k], pass.x, pass.reconstructed, pass.critic_activations,
                                                                pass.reconstructed_critic_activations)
                                                       .to(torch::kCPU));
                    });

    ModelCard card;
    card.name = o.name.empty() ? fs::path(o.run_dir).filename().string() : o.name;
    if (card.name.empty()) card.name = "stratum-encoder";
    card.description = "Encoder E of arXiv 1905.11034 trained by stratum (" + config.preset + " preset); the paper's score is ||E(x)||" +
                       (o.encoder_only ? "." : "; the graph also reconstructs x as G_ema(E(x)) for the feature and reconstruction scores, and gives the "
                                           "critic's first-layer colour features for the colour score and E's pooled features for encoder_gaussian.");
    card.model_file = "encoder.onnx";
    card.onnx_sha256 = sha256_hex(bytes);
    card.input.width = card.input.height = config.net.resolution;
    card.input.channels = config.net.channels;
    card.input.fit = Fit::CenterCrop;
    card.input.window = window.window;
    card.window_source = window.source;
    card.latent_size = latent;
    card.direction = parse_direction(o.direction);
    card.calibration = calibrate(norms);
    card.threshold.method = "training_quantile";
    card.threshold.parameter = o.threshold_quantile;
    card.threshold.value = threshold_training_quantile(card.calibration, card.direction, o.threshold_quantile);
    card.projection = fit_pca(latents.data(), norms.size(), static_cast<std::size_t>(latent));
    card.has_projection = true;
    std::vector<std::size_t> order(norms.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    shuffle_indices(order, config.seed ^ 0x50524F4Aull);
    order.resize(std::min<std::size_t>(order.size(), static_cast<std::size_t>(std::max(0, o.projection_sample))));
    for (std::size_t i : order) {
        double xy[2];
        project(card.projection, &latents[i * latent], xy);
        card.projection_sample.push_back({xy[0], xy[1], norms[i]});
    }
    card.training.dataset = config.data.path;
    card.training.normal_classes = config.data.normal;
    card.training.anomaly_classes = config.data.contaminate_with;
    card.training.contamination = config.data.contamination;
    card.training.images_seen = state.images_seen;
    card.training.seed = static_cast<long long>(config.seed);
    card.training.preset = config.preset;
    card.training.commit = config.commit;
    card.training.options_recorded = true;
    card.training.augment = config.schedule.augment;
    card.training.encoder_images = config.schedule.encoder_images;
    card.training.rotation_weight = config.schedule.rotation_weight;
    card.architecture = {true, config.net.fmap_base, config.net.fmap_max};
    if (!o.encoder_only) {
        // Each score's raw values on the training images, for its calibration. A neighbour bank is a sample
        // of the training features, and each training image is scored without its own entry (leave one
        // out); a Gaussian is fitted on all of them, and each image scored by a fit without it (5 folds).
        const torch::Tensor extras = torch::cat(extra_parts);
        const auto& infos = extra_score_infos();
        for (std::size_t k = 0; k < infos.size(); ++k) {
            const torch::Tensor values = extra_output(extras, config.net, k);
            ExtraScore x;
            x.name = infos[k].name;
            x.output = infos[k].output;
            x.description = infos[k].description;
            x.direction = Direction::Higher;  // larger = anomalous, as the studies found (docs/RESULTS.md)
            std::vector<double> raw;
            try {
                if (infos[k].reader == ScoreReader::Neighbours) {
                    if (values.size(0) <= kColourNeighbours + 1)
                        throw Error("it needs at least " + std::to_string(kColourNeighbours + 2) + " training images");
                    std::vector<std::int64_t> chosen;
                    x.neighbours = colour_bank(values, config.seed ^ 0x434F4C52ull, chosen);
                    x.has_neighbours = true;
                    raw = colour_scores(x.neighbours, values, chosen);
                } else if (infos[k].reader == ScoreReader::Gaussian) {
                    if (values.size(1) > static_cast<std::int64_t>(kMaxGaussianDims))
                        throw Error(std::to_string(values.size(1)) + " features, more than a card's Gaussian may hold (" +
                                    std::to_string(kMaxGaussianDims) + "): networks this wide need another read-out");
                    if (values.size(0) < 2 * kGaussianFolds)
                        throw Error("it needs at least " + std::to_string(2 * kGaussianFolds) + " training images");
                    x.gaussian = fit_gaussian(values);
                    x.has_gaussian = true;
                    raw = gaussian_held_out_scores(values, kGaussianFolds, config.seed ^ 0x47415553ull);
                } else {
                    append_values(raw, values.flatten());
                }
            } catch (const Error& e) {
                // The card lists a prefix of the graph's scores: this one and those after it are left out.
                std::cerr << "stratum export: no " << x.name << " score (" << e.what() << "); the card offers the scores before it\n";
                break;
            }
            x.calibration = calibrate(raw);
            x.threshold.method = "training_quantile";
            x.threshold.parameter = o.threshold_quantile;
            x.threshold.value = threshold_training_quantile(x.calibration, x.direction, o.threshold_quantile);
            card.extra_scores.push_back(x);
        }
        const bool offered = std::any_of(card.extra_scores.begin(), card.extra_scores.end(),
                                         [&](const ExtraScore& x) { return x.name == o.default_score; });
        if (!offered && o.default_score == ExportOptions{}.default_score) {  // the default score could not be made
            std::cerr << "stratum export: the default score is feature instead of " << o.default_score << "\n";
            card.default_score = "feature";
        } else {
            card.default_score = o.default_score;
        }
        score_index(card, card.default_score);  // throws for a name the card does not offer
        // Each map's per-position calibration and threshold over the same training images.
        for (std::size_t k = 0; k < maps.size(); ++k)
            card.maps.push_back(fit_map_spec(maps[k], torch::cat(map_parts[k]), card.input, o.threshold_quantile));
        card.default_map = default_map_name(config.net);
    }
    const std::string card_text = write_model_card(card);
    parse_model_card(card_text);  // what the CLI and the page will read: refused here, not there
    write_file_atomic(onnx_path, bytes);
    write_file_atomic(card_path, card_text);
    return {onnx_path, card_path, set.count()};
}

}  // namespace stratum::train
