#include "scoring_session.h"

#include <string>

#include "error.h"
#include "score_heads.h"

namespace stratum::train {

ScoringSession::ScoringSession(Models& models, const torch::Device& device) : models_(models), device_(device) {
    ready_for_scoring(models_, device_);
}

ScoringPass ScoringSession::run(const torch::Tensor& x_in, bool with_extras) {
    torch::NoGradGuard no_grad;
    const NetConfig& n = net();
    if (x_in.dim() != 4 || x_in.size(0) < 1 || x_in.size(1) != n.channels || x_in.size(2) != n.resolution ||
        x_in.size(3) != n.resolution)
        throw Error("scoring: images must be [N, " + std::to_string(n.channels) + ", " + std::to_string(n.resolution) +
                    ", " + std::to_string(n.resolution) + "] for these networks");
    const int stage = n.stages();
    ScoringPass p;
    p.x = x_in.to(device_, torch::kFloat32);
    p.z = models_.e(p.x, stage, 1.0);
    if (!with_extras) return p;
    if (models_.d->trunk->mbstd_group != 1) throw Error("extra scores need the critic's minibatch-stddev groups of one");
    // As the exported graph computes them (encoder_onnx.cpp, scorer_to_onnx).
    p.reconstructed = models_.g_ema(p.z, stage, 1.0);
    // The trunk's last activation is D's 4x4 features (TrunkImpl::forward, fully grown).
    p.critic_activations = models_.d->trunk->activations(p.x, stage);
    p.reconstructed_critic_activations = models_.d->trunk->activations(p.reconstructed, stage);
    p.features = p.critic_activations.back().flatten(1);
    p.reconstructed_features = p.reconstructed_critic_activations.back().flatten(1);
    p.encoder_activations = models_.e->trunk->activations(p.x, stage);
    const torch::Tensor feature = (p.features - p.reconstructed_features).abs().mean(1);
    const torch::Tensor reconstruction = (p.x - p.reconstructed).abs().flatten(1).mean(1);
    std::vector<torch::Tensor> encoder_parts;
    for (const torch::Tensor& a : p.encoder_activations) encoder_parts.push_back(mean_and_spread(a));
    p.extras = torch::cat({torch::stack({feature, reconstruction}, 1), colour_features(models_.d, p.x, stage),
                           torch::cat(encoder_parts, 1)},
                          1)
                   .to(torch::kCPU, torch::kFloat64);
    return p;
}

void ScoringSession::run_all(const float* images, std::int64_t n, std::int64_t batch, bool with_extras,
                             const std::function<void(std::int64_t, const ScoringPass&)>& fn) {
    if (batch < 1) throw Error("scoring: the batch must hold at least one image");
    const NetConfig& net_config = net();
    const torch::Tensor all = torch::from_blob(const_cast<float*>(images),
                                               {n, net_config.channels, net_config.resolution, net_config.resolution},
                                               torch::kFloat32);
    for (std::int64_t i = 0; i < n; i += batch) fn(i, run(all.slice(0, i, std::min(n, i + batch)), with_extras));
}

}  // namespace stratum::train
