// Anomaly maps computed by libtorch exactly as the exported graph computes them (encoder_onnx.cpp):
// per position, the mean over channels of |a(x) - a(G(E(x)))|, where a is the image itself ("pixel")
// or an activation of the critic's trunk at one resolution ("feature_<r>"), and the per-position
// calibration the card keeps for each (MapSpec, model_card.h). Torch header: src/train only.
#pragma once
#include <string>
#include <vector>

#include "model_card.h"
#include "networks.h"

namespace stratum::train {

struct MapInfo {
    std::string name;    // "pixel", or "feature_<r>" for the critic's features at r x r
    std::string output;  // the graph output: "map_" + name, [N, 1, r, r]
    std::string description;
    int level = -1;      // -1: pixels; else the index in TrunkImpl::activations of D's trunk
    int resolution = 0;  // r: the map is r x r
};

// Every map these networks can make, finest first: pixels, then the critic's trunk at the input size
// (its 1x1 from-RGB colour features), after each halving down to 8, and conv4's 4x4 output (the
// features the "feature" score compares). The study of docs/RESULTS.md measures them all.
std::vector<MapInfo> candidate_maps(const NetConfig& net);
// The maps the exported graph gives and the card calibrates: pixels, the critic's features at half
// the input size (the finest feature map that the study found to add something: it beats the pixel
// map on patches of another cell type; the 1x1 colour features at the full size never beat pixels)
// and at 4x4 (docs/RESULTS.md, "What the maps localise").
std::vector<MapInfo> exported_maps(const NetConfig& net);
// The exported map shown unless the user picks another: pixel (the study's best on average).
std::string default_map_name(const NetConfig& net);

// One map's raw residuals, [N, 1, r, r] float32 on the tensors' device: x and its reconstruction
// (both [N, C, R, R]) and the critic trunk's activations of each (TrunkImpl::activations).
torch::Tensor residual_map(const MapInfo& info, const torch::Tensor& x, const torch::Tensor& reconstructed,
                           const std::vector<torch::Tensor>& x_activations,
                           const std::vector<torch::Tensor>& reconstructed_activations);

// The card's MapSpec for `info` from the training images' raw residuals (`raw`: [n, 1, r, r], n >= 2),
// by the core's calibrate_map_spec (anomaly_map.h). Throws stratum::Error for n < 2.
MapSpec fit_map_spec(const MapInfo& info, const torch::Tensor& raw, const InputSpec& input, double q);

}  // namespace stratum::train
