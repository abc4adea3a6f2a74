// The scores beyond the latent norm, computed by libtorch exactly as the exported graph computes them
// (encoder_onnx.h): x is reconstructed as G(E(x)); "feature" = mean |f(x) - f(G(E(x)))| over the
// critic trunk's 4x4 features f, "reconstruction" = mean |x - G(E(x))| over pixels, and "colour" reads
// the critic's first-layer colour features of x, pooled over the image, whose distance to the nearest
// training images the core computes (neighbours.h) from the bank in the card.
#pragma once
#include <string>
#include <vector>

#include "neighbours.h"
#include "networks.h"

namespace stratum::train {

struct ExtraScoreInfo {
    const char* name;
    const char* output;  // the graph output
    const char* description;
    bool neighbours;     // the output is a feature vector read through a neighbour bank
};
// In the order of the graph's outputs and of the card's extra_scores.
const std::vector<ExtraScoreInfo>& extra_score_infos();

// Per image, the mean and the standard deviation over positions of each channel of the critic's
// first layer, leakyrelu(from_rgb(x)) at full resolution: [N, 2 C] float32 (C = the critic's width
// at the input size). 1x1 filters, so these describe the image's colour distribution.
torch::Tensor colour_features(Critic& d, const torch::Tensor& x, int stage);

// [N, W] float64 on the CPU, W = 2 + 2 C: feature, reconstruction, then colour_features. The critic's
// trunk must use minibatch-stddev groups of one (each image's value must not depend on its batch).
torch::Tensor extra_scores(Generator& g, Critic& d, const torch::Tensor& x, const torch::Tensor& z, int stage);

// The colour score's bank: at most kColourBankSize training feature vectors (N x D, float64), drawn
// with `seed` when there are more; k = kColourNeighbours. `chosen` receives the rows kept, in bank
// order (so that a training image scored for calibration can skip its own entry).
constexpr std::size_t kColourBankSize = 2000;
constexpr int kColourNeighbours = 5;
NeighbourBank colour_bank(const torch::Tensor& features, std::uint64_t seed, std::vector<std::int64_t>& chosen);
// The colour score of every row of `features` against the bank, each row skipping its own entry when
// it is in the bank (`chosen` from colour_bank; empty when the rows are not training images).
std::vector<double> colour_scores(const NeighbourBank& bank, const torch::Tensor& features,
                                  const std::vector<std::int64_t>& chosen);

// Appends a 1-D tensor's values, as doubles, to out: one copy instead of an item() call per value.
void append_values(std::vector<double>& out, const torch::Tensor& values);

}  // namespace stratum::train
