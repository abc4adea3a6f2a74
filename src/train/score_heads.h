// The scores beyond the latent norm, computed by libtorch exactly as the exported graph computes them
// (encoder_onnx.h): x is reconstructed as G(E(x)); "feature" = mean |f(x) - f(G(E(x)))| over the
// critic trunk's 4x4 features f, "reconstruction" = mean |x - G(E(x))| over pixels; "colour" reads
// the critic's first-layer colour features of x, pooled over the image, whose distance to the nearest
// training images the core computes (neighbours.h) from the bank in the card; "encoder_gaussian" reads
// E's features pooled at every resolution, whose Mahalanobis distance to the training images' Gaussian
// the core computes (gaussian.h) from the mean and precision in the card.
#pragma once
#include <string>
#include <vector>

#include "gaussian.h"
#include "neighbours.h"
#include "networks.h"

namespace stratum::train {

// How the core turns a graph output into a score's raw value.
enum class ScoreReader {
    Value,       // the output is the value (one per image)
    Neighbours,  // a feature vector: distance to the nearest training images (a bank in the card)
    Gaussian,    // a feature vector: Mahalanobis distance to the training images' Gaussian (in the card)
};

struct ExtraScoreInfo {
    const char* name;
    const char* output;  // the graph output
    const char* description;
    ScoreReader reader;
};
// In the order of the graph's outputs and of the card's extra_scores.
const std::vector<ExtraScoreInfo>& extra_score_infos();
// The position of the score called `name` in extra_score_infos(); throws stratum::Error for another name.
std::size_t extra_score_index(const std::string& name);
// Values per image of each of those outputs for these networks: 1, or the feature vector's length.
std::vector<std::int64_t> extra_output_widths(const NetConfig& net);

// Per image, the mean and the standard deviation over positions of each channel of the critic's
// first layer, leakyrelu(from_rgb(x)) at full resolution: [N, 2 C] float32 (C = the critic's width
// at the input size). 1x1 filters, so these describe the image's colour distribution.
torch::Tensor colour_features(Critic& d, const torch::Tensor& x, int stage);

// Each channel's mean and standard deviation sqrt(mean (a - mean)^2) over the positions of a [N, C, H, W]
// activation, as the graph computes them (encoder_onnx.cpp's mean_and_spread): [N, 2 C], means first.
torch::Tensor mean_and_spread(const torch::Tensor& a);

// Per image, each channel's mean and standard deviation over positions of every activation of E's
// trunk (the input size down to 4, then the 4x4 output; TrunkImpl::activations), level after level:
// [N, 2 (C_r + ... + C_4 + C_4)] float32. The representation the "encoder_gaussian" score reads.
torch::Tensor encoder_features(Encoder& e, const torch::Tensor& x, int stage);

// Output `index` of extra_score_infos() within a row block of extras (ScoringPass::extras, scoring_session.h):
// [N, width].
torch::Tensor extra_output(const torch::Tensor& extras, const NetConfig& net, std::size_t index);

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

// The Gaussian of training feature vectors (N x D): their mean, and the inverse of their covariance
// shrunk towards a multiple of the identity by the Ledoit-Wolf rule (Ledoit and Wolf, J. Multivariate
// Analysis 2004; the features outnumber what a few thousand images pin down well). Throws
// stratum::Error with fewer than 2 rows.
GaussianModel fit_gaussian(const torch::Tensor& features);
// Each row's Mahalanobis distance (gaussian.h, the core's function) to `model`.
std::vector<double> gaussian_scores(const GaussianModel& model, const torch::Tensor& features);
// The training images' own distances for calibration, each measured against a Gaussian fitted without
// it: the rows are split into `folds` parts (drawn with `seed`) and each part is scored by the fit on
// the others. In-sample distances would be smaller than those of new images of the same kind.
constexpr int kGaussianFolds = 5;
std::vector<double> gaussian_held_out_scores(const torch::Tensor& features, int folds, std::uint64_t seed);

// Appends a 1-D tensor's values, as doubles, to out: one copy instead of an item() call per value.
void append_values(std::vector<double>& out, const torch::Tensor& values);

}  // namespace stratum::train
