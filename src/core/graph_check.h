// Is this graph the one its model card describes? The one check the CLI and the page both run before
// a model replaces the one in use: what each front-end learnt of the graph (its bytes' sha256, its
// tensor names, and its outputs for two mid-grey images of the card's input size) against the card.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model_card.h"

namespace stratum {

struct GraphOutput {
    std::string name;
    std::vector<std::int64_t> dims;  // for the 2 probe images
    bool finite = true;              // every value finite
};

struct GraphProbe {
    std::string sha256;                     // of the .onnx bytes; "" when the front-end did not read them
    bool names_known = true;                // false when the front-end holds no graph names (a run folder)
    std::string input_name;
    std::vector<std::string> output_names;  // every output the graph has
    std::string run_error;                  // why running the probe images failed ("" when it ran)
    std::vector<GraphOutput> outputs;       // the card's latent, then its extra scores' outputs, as run
};

// "" when the graph is what the card describes; else the first reason, in the order: sha256, the input
// name, a missing output (the scores', then "reconstructed" and the maps' when the card has maps), the probe run, the latent's shape, the latent's values, each extra output's
// shape and values (widths as ExtraScore::output_width says: 1 value an image, or a feature vector).
std::string graph_mismatch(const ModelCard& card, const GraphProbe& probe);

}  // namespace stratum
