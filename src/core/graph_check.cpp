#include "graph_check.h"

#include <algorithm>

namespace stratum {
namespace {

std::string shape_text(const std::vector<std::int64_t>& dims) {
    std::string text = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
    return text + "]";
}

const GraphOutput* find_output(const GraphProbe& probe, const std::string& name) {
    for (const GraphOutput& o : probe.outputs)
        if (o.name == name) return &o;
    return nullptr;
}

}  // namespace

std::string graph_mismatch(const ModelCard& card, const GraphProbe& probe) {
    if (!card.onnx_sha256.empty() && !probe.sha256.empty() && probe.sha256 != card.onnx_sha256)
        return "the .onnx file is not the graph its card describes (its sha256 is " + probe.sha256 + ", the card says " +
               card.onnx_sha256 + ")";
    const std::vector<ScoreSpec> scores = card_scores(card);
    if (probe.names_known) {
        if (probe.input_name != card.input_name)
            return "the graph's input is \"" + probe.input_name + "\", the card says \"" + card.input_name + "\"";
        for (const ScoreSpec& spec : scores)
            if (std::find(probe.output_names.begin(), probe.output_names.end(), spec.output) == probe.output_names.end()) {
                std::string outputs;
                for (const std::string& n : probe.output_names) outputs += (outputs.empty() ? "" : ", ") + n;
                return "the graph has no output \"" + spec.output + "\" (the card's " + spec.name + " score); its outputs are " +
                       outputs;
            }
        // Maps are run only for the images a front-end shows; their outputs must be there all the same.
        std::vector<std::string> map_outputs;
        if (!card.maps.empty()) map_outputs.push_back("reconstructed");
        for (const MapSpec& m : card.maps) map_outputs.push_back(m.output);
        for (const std::string& name : map_outputs)
            if (std::find(probe.output_names.begin(), probe.output_names.end(), name) == probe.output_names.end())
                return "the graph has no output \"" + name + "\" (the card's maps need it)";
    }
    const InputSpec& in = card.input;
    if (!probe.run_error.empty())
        return "the graph does not take the card's input (2 x " + std::to_string(in.channels) + " x " +
               std::to_string(in.height) + " x " + std::to_string(in.width) + "): " + probe.run_error;
    const GraphOutput* latent = find_output(probe, card.output_name);
    if (latent == nullptr) return "the graph gave no \"" + card.output_name + "\" for the probe images";
    if (latent->dims != std::vector<std::int64_t>{2, card.latent_size})
        return "the graph's latent has shape " + shape_text(latent->dims) + " for 2 images; the card says " +
               std::to_string(card.latent_size) + " values per image";
    if (!latent->finite) return "the encoder gives NaN or infinite latents for a plain grey image (a broken model)";
    for (const ExtraScore& x : card.extra_scores) {
        const GraphOutput* o = find_output(probe, x.output);
        if (o == nullptr) return "the graph gave no \"" + x.output + "\" for the probe images";
        const std::size_t width = x.output_width();
        const std::vector<std::int64_t> expected =
            width == 1 ? std::vector<std::int64_t>{2} : std::vector<std::int64_t>{2, static_cast<std::int64_t>(width)};
        if (o->dims != expected)
            return "the graph's " + x.output + " output has shape " + shape_text(o->dims) + " for 2 images; the card says " +
                   std::to_string(width) + " value(s) per image";
        if (!o->finite) return "the graph gives NaN or infinite " + x.name + " values for a plain grey image (a broken model)";
    }
    return "";
}

}  // namespace stratum
