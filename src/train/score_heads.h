// The scores beyond the latent norm, computed by libtorch exactly as the exported graph computes them
// (encoder_onnx.h): x is reconstructed as G(E(x)); "feature" = mean |f(x) - f(G(E(x)))| over the
// critic trunk's 4x4 features f, "reconstruction" = mean |x - G(E(x))| over pixels.
#pragma once
#include <string>
#include <vector>

#include "networks.h"

namespace stratum::train {

struct ExtraScoreInfo {
    const char* name;
    const char* description;
};
// In the order of the graph's outputs and of the card's extra_scores.
const std::vector<ExtraScoreInfo>& extra_score_infos();

// [N, 2] float64 on the CPU: feature, reconstruction. The critic's trunk must use minibatch-stddev
// groups of one (each image's value must not depend on the others in its batch).
torch::Tensor extra_scores(Generator& g, Critic& d, const torch::Tensor& x, const torch::Tensor& z, int stage);

// Appends a 1-D tensor's values, as doubles, to out: one copy instead of an item() call per value.
void append_values(std::vector<double>& out, const torch::Tensor& values);

}  // namespace stratum::train
