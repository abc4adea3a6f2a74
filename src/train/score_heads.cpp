#include "score_heads.h"

#include "error.h"

namespace stratum::train {

const std::vector<ExtraScoreInfo>& extra_score_infos() {
    static const std::vector<ExtraScoreInfo> infos{
        {"feature", "mean |f(x) - f(G(E(x)))|, f = the critic's 4x4 features: how unlike its reconstruction D finds the image"},
        {"reconstruction", "mean |x - G(E(x))| over pixels: how badly the generator redraws the image"},
    };
    return infos;
}

torch::Tensor extra_scores(Generator& g, Critic& d, const torch::Tensor& x, const torch::Tensor& z, int stage) {
    if (d->trunk->mbstd_group != 1) throw Error("extra scores need the critic's minibatch-stddev groups of one");
    const torch::Tensor xr = g(z, stage, 1.0);
    const torch::Tensor f = d->features(x, stage, 1.0), fr = d->features(xr, stage, 1.0);
    const torch::Tensor feature = (f - fr).abs().mean(1);
    const torch::Tensor reconstruction = (x - xr).abs().flatten(1).mean(1);
    return torch::stack({feature, reconstruction}, 1).to(torch::kCPU, torch::kFloat64);
}

}  // namespace stratum::train
