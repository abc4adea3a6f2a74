#include "native_encoder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>

#include "checkpoint.h"
#include "encoder_onnx.h"
#include "error.h"
#include "graph_check.h"
#include "run_files.h"
#include "map_heads.h"
#include "score_heads.h"
#include "scoring_session.h"
#include "sha256.h"

namespace stratum::train {
namespace fs = std::filesystem;

namespace {

NetConfig net_from_card(const ModelCard& card) {
    if (!card.architecture.present)
        throw Error("the card has no architecture: native scoring needs an encoder exported by stratum");
    if (card.input.width != card.input.height) throw Error("the card's input is not square");
    NetConfig net;
    net.resolution = card.input.width;
    net.channels = card.input.channels;
    net.fmap_base = card.architecture.fmap_base;
    net.fmap_max = card.architecture.fmap_max;
    net.latent = card.latent_size;
    return net;
}

// The extra scores this build computes natively: the card must list the first of them, in score_heads.h's
// order (cards made before the colour score list feature and reconstruction only), each read as this
// build reads it, and a feature-vector score must read as many features as the networks give.
void check_extra_scores(const ModelCard& card, const NetConfig& net) {
    const auto& known = extra_score_infos();
    const std::vector<std::int64_t> widths = extra_output_widths(net);
    bool same = card.extra_scores.size() <= known.size();
    for (std::size_t k = 0; same && k < card.extra_scores.size(); ++k) {
        const ExtraScore& x = card.extra_scores[k];
        same = x.name == known[k].name && x.output == known[k].output &&
               x.has_neighbours == (known[k].reader == ScoreReader::Neighbours) &&
               x.has_gaussian == (known[k].reader == ScoreReader::Gaussian);
    }
    if (!same)
        throw Error("the card lists extra scores this build cannot compute natively (it knows feature, reconstruction, colour, "
                    "encoder_gaussian)");
    for (std::size_t k = 0; k < card.extra_scores.size(); ++k) {
        const ExtraScore& x = card.extra_scores[k];
        if (static_cast<std::int64_t>(x.output_width()) != widths[k])
            throw Error("model card: extra_scores: the " + x.name + " score reads " + std::to_string(x.output_width()) +
                        " features, the networks give " + std::to_string(widths[k]) + ": the card is not this graph's");
    }
}

// The card's maps must be ones this build computes (map_heads.h), at the same resolution and output.
std::vector<MapInfo> card_map_infos(const ModelCard& card, const NetConfig& net) {
    std::vector<MapInfo> out;
    const std::vector<MapInfo> known = candidate_maps(net);
    for (const MapSpec& m : card.maps) {
        const auto it = std::find_if(known.begin(), known.end(), [&](const MapInfo& k) { return k.name == m.name; });
        if (it == known.end() || it->output != m.output || it->resolution != m.width || it->resolution != m.height)
            throw Error("model card: maps: this build cannot compute the map \"" + m.name + "\" natively");
        out.push_back(*it);
    }
    return out;
}

// Holds the trained networks as the trainer does (Models): a run's checkpoint loads straight into
// them, and an exported graph's weights go into E, G_ema and D's trunk.
class TorchEncoder : public NativeEncoder {
public:
    TorchEncoder(ModelCard card, const std::string& device, int threads)
        : card_(std::move(card)), device_(pick_device(device)), models_(net_from_card(card_)) {
        check_extra_scores(card_, models_.e->net);
        maps_ = card_map_infos(card_, models_.e->net);
        if (threads > 0) torch::set_num_threads(threads);
    }
    const ModelCard& card() const override { return card_; }
    bool on_gpu() const override { return device_.is_cuda(); }
    void set_threads(int threads) override { torch::set_num_threads(threads); }
    Models& models() { return models_; }
    void ready() { session_.emplace(models_, device_); }
    Encoded encode(const float* images, int n, bool with_extras, bool with_maps) override {
        if (!session_) throw Error("the encoder's weights are not loaded yet");
        if (with_maps && maps_.empty()) map_index(card_, "");  // throws: the card has no maps
        const bool extras = (with_extras || with_maps) && !card_.extra_scores.empty();
        const ScoringPass pass = session_->run(
            torch::from_blob(const_cast<float*>(images), {n, models_.e->net.channels, models_.e->net.resolution, models_.e->net.resolution},
                             torch::kFloat32),
            extras);
        const torch::Tensor zc = pass.z.to(torch::kCPU).contiguous();
        Encoded out;
        out.latents.assign(zc.data_ptr<float>(), zc.data_ptr<float>() + zc.numel());
        if (extras) {
            // The graph's outputs that the card reads, image after image.
            const std::int64_t width = static_cast<std::int64_t>(extra_outputs_width(card_));
            if (pass.extras.size(1) < width) throw Error("the card's extra scores take more values than the networks give");
            const torch::Tensor e = pass.extras.slice(1, 0, width).contiguous();
            out.extras.assign(e.data_ptr<double>(), e.data_ptr<double>() + e.numel());
        }
        if (with_maps) {
            const torch::Tensor r = pass.reconstructed.to(torch::kCPU, torch::kFloat32).contiguous();
            out.reconstructed.assign(r.data_ptr<float>(), r.data_ptr<float>() + r.numel());
            for (const MapInfo& m : maps_) {
                const torch::Tensor raw = residual_map(m, pass.x, pass.reconstructed, pass.critic_activations,
                                                       pass.reconstructed_critic_activations)
                                              .to(torch::kCPU, torch::kFloat32)
                                              .contiguous();
                out.maps.emplace_back(raw.data_ptr<float>(), raw.data_ptr<float>() + raw.numel());
            }
        }
        return out;
    }

    CandidateMaps candidate_maps(const float* images, int n) override {
        if (!session_) throw Error("the encoder's weights are not loaded yet");
        if (card_.extra_scores.empty()) throw Error("maps need the generator and the critic: an encoder-only graph has none");
        const NetConfig& net = models_.e->net;
        const ScoringPass pass = session_->run(
            torch::from_blob(const_cast<float*>(images), {n, net.channels, net.resolution, net.resolution}, torch::kFloat32), true);
        CandidateMaps out;
        for (const MapInfo& m : train::candidate_maps(net)) {
            MapSpec spec;
            spec.name = m.name;
            spec.output = m.output;
            spec.description = m.description;
            spec.width = spec.height = m.resolution;
            const torch::Tensor raw = residual_map(m, pass.x, pass.reconstructed, pass.critic_activations,
                                                   pass.reconstructed_critic_activations)
                                          .to(torch::kCPU, torch::kFloat32)
                                          .contiguous();
            out.specs.push_back(spec);
            out.raw.emplace_back(raw.data_ptr<float>(), raw.data_ptr<float>() + raw.numel());
        }
        return out;
    }

private:
    ModelCard card_;
    torch::Device device_;
    Models models_;
    std::vector<MapInfo> maps_;  // the card's maps, as this build computes them
    std::optional<ScoringSession> session_;  // once the weights are in (ready())
};

// The check the page runs too (stratum::graph_mismatch): two mid-grey images through the graph, its
// outputs against the card. `probe` carries what the caller knows of the graph (sha256, names).
void check_graph(NativeEncoder& encoder, GraphProbe probe, const std::string& model) {
    const ModelCard& card = encoder.card();
    const InputSpec& in = card.input;
    const std::vector<float> grey(static_cast<std::size_t>(2) * in.channels * in.width * in.height, 0.0f);
    try {
        const NativeEncoder::Encoded e = encoder.encode(grey.data(), 2, true);
        auto finite = [](const auto& values) {
            return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
        };
        probe.outputs.push_back({card.output_name, {2, static_cast<std::int64_t>(e.latents.size() / 2)}, finite(e.latents)});
        // The extras come image after image; each score's columns are its slice of every image's row.
        const std::size_t per_image = e.extras.size() / 2;
        std::size_t at = 0;
        for (const ExtraScore& x : card.extra_scores) {
            const std::size_t width = x.output_width();
            std::vector<double> values;
            for (std::size_t image = 0; image < 2; ++image)
                for (std::size_t k = 0; k < width && at + k < per_image; ++k) values.push_back(e.extras[image * per_image + at + k]);
            at += width;
            const std::vector<std::int64_t> dims = width == 1 ? std::vector<std::int64_t>{2}
                                                              : std::vector<std::int64_t>{2, static_cast<std::int64_t>(width)};
            probe.outputs.push_back({x.output, values.size() == 2 * width ? dims : std::vector<std::int64_t>{}, finite(values)});
        }
    } catch (const Error& e) {
        probe.run_error = e.what();
    }
    const std::string why = graph_mismatch(card, probe);
    if (!why.empty()) throw Error(model + ": " + why + "; refused");
}

}  // namespace

std::string card_path_for(const std::string& onnx_path) {
    return fs::path(onnx_path).replace_extension(".json").string();
}

std::unique_ptr<NativeEncoder> NativeEncoder::open(const std::string& model_given, const std::string& device, int threads) {
    std::error_code ec;
    std::string model = model_given;
    // A folder holding an exported pair (models/<name>/, a run's export/): its encoder.onnx.
    if (fs::is_directory(model, ec) && !fs::exists(RunFiles{model}.config()) && fs::exists(model + "/encoder.onnx"))
        model += "/encoder.onnx";
    // The card named instead of its graph: the graph it names.
    if (fs::path(model).extension() == ".json" && fs::is_regular_file(model, ec)) {
        const std::string graph = fs::path(model).replace_extension(".onnx").string();
        if (!fs::exists(graph)) throw Error(model + " is a model card: give its .onnx graph (" + graph + " is missing)");
        model = graph;
    }
    if (fs::is_directory(model, ec)) {
        const RunFiles run{model};
        const std::string card_file = run.export_dir() + "/encoder.json";
        if (!fs::exists(card_file))
            throw Error(model + " has no export yet (no " + card_file + "): run `stratum export " + model + "` first");
        if (!fs::exists(run.checkpoint())) throw Error(model + " has no checkpoint.pt");
        auto encoder = std::make_unique<TorchEncoder>(parse_model_card(read_text_file(card_file)), device, threads);
        const CheckpointState state = load_checkpoint(run.checkpoint(), encoder->models(), nullptr, torch::kCPU);
        if (state.images_seen != encoder->card().training.images_seen)
            throw Error("the checkpoint (" + std::to_string(state.images_seen) + " images) is newer than the export (" +
                        std::to_string(encoder->card().training.images_seen) + " images): run `stratum export " +
                        model + "` again");
        encoder->ready();
        GraphProbe unnamed;
        unnamed.names_known = false;  // the checkpoint's modules: no graph names to compare
        check_graph(*encoder, unnamed, model);
        return encoder;
    }
    if (!fs::is_regular_file(model, ec)) throw Error(model + ": no such file or run folder");
    const std::string card_file = card_path_for(model);
    if (!fs::exists(card_file)) throw Error(model + ": its model card " + card_file + " is missing");
    auto encoder = std::make_unique<TorchEncoder>(parse_model_card(read_text_file(card_file)), device, threads);
    const std::string bytes = read_text_file(model);
    if (!encoder->card().onnx_sha256.empty() && sha256_hex(bytes) != encoder->card().onnx_sha256)
        throw Error(model + " is not the graph its card describes (sha256 differs)");
    ::onnx::ModelProto proto;
    if (!proto.ParseFromString(bytes)) throw Error(model + " is not an ONNX file");
    encoder_from_onnx(encoder->models().e, proto);
    if (!encoder->card().extra_scores.empty()) scorer_from_onnx(encoder->models().g_ema, encoder->models().d, proto);
    encoder->ready();
    GraphProbe probe;
    probe.sha256 = sha256_hex(bytes);
    probe.input_name = proto.graph().input_size() > 0 ? proto.graph().input(0).name() : "";
    for (const auto& output : proto.graph().output()) probe.output_names.push_back(output.name());
    check_graph(*encoder, probe, model);
    return encoder;
}

}  // namespace stratum::train
