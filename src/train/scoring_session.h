// Scoring with trained networks, in one place: export (the card's calibration), eval and the native
// encoder behind `stratum score` all run images through E, G_ema and D's trunk here, in the exported
// graph's layout (plain contiguous weights, evaluation mode, the critic's minibatch stddev over groups
// of one), batch after batch. Torch header: for src/train and its tests only.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "steps.h"

namespace stratum::train {

// One batch through the networks, with every intermediate the shipped scores read (score_heads.h),
// each computed once. Tensors live on the session's device unless said otherwise.
struct ScoringPass {
    torch::Tensor x;  // [N, C, H, W], values in [-1, 1]
    torch::Tensor z;  // [N, latent]: E(x), the paper's latent (its norm is the paper's score)
    // With extras only (empty tensors otherwise):
    torch::Tensor reconstructed;                 // [N, C, H, W]: G_ema(z)
    torch::Tensor features, reconstructed_features;  // [N, C_4 * 16]: D's trunk 4x4 features of x and of G_ema(z)
    // D's trunk activations of x and of G_ema(z) at every resolution (TrunkImpl::activations): what the
    // anomaly maps compare (map_heads.h, residual_map).
    std::vector<torch::Tensor> critic_activations, reconstructed_critic_activations;
    std::vector<torch::Tensor> encoder_activations;  // E's trunk at every resolution (TrunkImpl::activations)
    // [N, W] float64 on the CPU: the exported graph's extra outputs, image after image, in
    // extra_score_infos()' order (W = the sum of extra_output_widths): feature, reconstruction,
    // colour_features, encoder_features.
    torch::Tensor extras;
};

class ScoringSession {
public:
    // Readies `models` (loaded from a checkpoint or from a graph) on `device` for scoring: E, G_ema and
    // D move there with contiguous weights (the trainer's CPU layout is channels-last, whose kernels
    // could change the last bits against the page) and go into scoring mode (set_scoring_mode). The
    // models must outlive the session.
    ScoringSession(Models& models, const torch::Device& device);

    // x: [N, C, H, W] float32 on any device, N >= 1. Throws stratum::Error on a wrong shape.
    ScoringPass run(const torch::Tensor& x, bool with_extras);
    // `images`: n images of C x H x W float32 one after another (read in place, not copied), run in
    // batches of at most `batch`; fn(index of the batch's first image, its pass) for each, in order.
    void run_all(const float* images, std::int64_t n, std::int64_t batch, bool with_extras,
                 const std::function<void(std::int64_t first, const ScoringPass&)>& fn);

    Models& models() { return models_; }
    const torch::Device& device() const { return device_; }
    const NetConfig& net() const { return models_.e->net; }

private:
    Models& models_;
    torch::Device device_;
};

}  // namespace stratum::train
