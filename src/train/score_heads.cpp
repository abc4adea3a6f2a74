#include "score_heads.h"

#include "error.h"

namespace stratum::train {

const std::vector<ExtraScoreInfo>& extra_score_infos() {
    static const std::vector<ExtraScoreInfo> infos{
        {"feature", "how unlike its reconstruction G(E(x)) the critic finds the image: mean |f(x) - f(G(E(x)))|"},
        {"reconstruction", "how badly the generator redraws the image: mean |x - G(E(x))| over pixels"},
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

void append_values(std::vector<double>& out, const torch::Tensor& values) {
    const torch::Tensor v = values.to(torch::kCPU, torch::kFloat64).contiguous();
    out.insert(out.end(), v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
}

}  // namespace stratum::train
