#include "export.h"

#include <filesystem>
#include <iostream>

#include "checkpoint.h"
#include "encoder_onnx.h"
#include "error.h"
#include "model_card.h"
#include "run_files.h"
#include "score_heads.h"
#include "sha256.h"

namespace stratum::train {
namespace fs = std::filesystem;

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
    write_file_atomic(onnx_path, bytes);

    // Latents of the training set, in batches, through the libtorch module (the same weights).
    const TrainingSelection selection = read_training_set(run.training_set());
    std::vector<ImageSource> sources = selection.normal;
    sources.insert(sources.end(), selection.contamination.begin(), selection.contamination.end());
    std::cerr << "stratum export: encoding " << sources.size() << " training images\n";
    const ImageSet set = load_images(sources, config.net.resolution, config.net.channels, o.threads);
    ready_for_scoring(models, device);  // the graph's layout, as `stratum score` runs it
    const int latent = config.net.latent;
    std::vector<float> latents;
    std::vector<double> norms;
    std::vector<std::vector<double>> extras(extra_score_infos().size());
    std::vector<torch::Tensor> colour_parts;  // the colour score's features, [n, D] per batch
    {
        torch::NoGradGuard no_grad;
        const std::int64_t n = static_cast<std::int64_t>(set.count()), batch = 256;
        const torch::Tensor all = torch::from_blob(const_cast<std::uint8_t*>(set.pixels.data()),
                                                   {n, config.net.channels, config.net.resolution, config.net.resolution},
                                                   torch::kUInt8);
        for (std::int64_t i = 0; i < n; i += batch) {
            const torch::Tensor x = all.slice(0, i, std::min(n, i + batch)).to(device).to(torch::kFloat32).div(127.5).sub(1.0);
            const torch::Tensor z_on_device = encoder(x, config.net.stages(), 1.0);
            const torch::Tensor z = z_on_device.to(torch::kCPU).contiguous();
            latents.insert(latents.end(), z.data_ptr<float>(), z.data_ptr<float>() + z.numel());
            for (std::int64_t r = 0; r < z.size(0); ++r) norms.push_back(l2_norm(z[r].data_ptr<float>(), latent));
            if (o.encoder_only) continue;
            const torch::Tensor e = extra_scores(models.g_ema, models.d, x, z_on_device, config.net.stages());
            for (std::size_t k = 0; k < 2; ++k) append_values(extras[k], e.select(1, static_cast<std::int64_t>(k)));
            colour_parts.push_back(e.slice(1, 2));
        }
    }

    ModelCard card;
    card.name = o.name.empty() ? fs::path(o.run_dir).filename().string() : o.name;
    if (card.name.empty()) card.name = "stratum-encoder";
    card.description = "Encoder E of arXiv 1905.11034 trained by stratum (" + config.preset + " preset); the paper's score is ||E(x)||" +
                       (o.encoder_only ? "." : "; the graph also reconstructs x as G_ema(E(x)) for the feature and reconstruction scores, and gives the "
                                           "critic's first-layer colour features for the colour score.");
    card.model_file = "encoder.onnx";
    card.onnx_sha256 = sha256_hex(bytes);
    card.input.width = card.input.height = config.net.resolution;
    card.input.channels = config.net.channels;
    card.input.fit = Fit::CenterCrop;
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
    card.architecture = {true, config.net.fmap_base, config.net.fmap_max};
    if (!o.encoder_only) {
        // The colour score: its bank is a sample of the training images' features, and each training
        // image is calibrated against the bank without its own entry (leave one out).
        NeighbourBank bank;
        const torch::Tensor colour = torch::cat(colour_parts);
        std::size_t offered = extras.size();
        if (colour.size(0) > kColourNeighbours + 1) {
            std::vector<std::int64_t> chosen;
            bank = colour_bank(colour, config.seed ^ 0x434F4C52ull, chosen);
            extras[2] = colour_scores(bank, colour, chosen);
        } else {
            offered = 2;  // too few training images for a neighbour bank
            std::cerr << "stratum export: " << colour.size(0) << " training images are too few for the colour score (it needs "
                      << kColourNeighbours + 2 << "); the card offers norm, feature and reconstruction\n";
        }
        for (std::size_t k = 0; k < offered; ++k) {
            ExtraScore x;
            x.name = extra_score_infos()[k].name;
            x.output = extra_score_infos()[k].output;
            x.has_neighbours = extra_score_infos()[k].neighbours;
            if (x.has_neighbours) x.neighbours = bank;
            x.description = extra_score_infos()[k].description;
            x.direction = Direction::Higher;  // larger = anomalous, as the study found on the blood cells (docs/RESULTS.md)
            x.calibration = calibrate(extras[k]);
            x.threshold.method = "training_quantile";
            x.threshold.parameter = o.threshold_quantile;
            x.threshold.value = threshold_training_quantile(x.calibration, x.direction, o.threshold_quantile);
            card.extra_scores.push_back(x);
        }
        card.default_score = o.default_score == "colour" && offered == 2 ? "feature" : o.default_score;
        score_index(card, card.default_score);  // throws for a name the card does not offer
    }
    write_file_atomic(card_path, write_model_card(card));
    return {onnx_path, card_path, set.count()};
}

}  // namespace stratum::train
