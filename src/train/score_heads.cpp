#include "score_heads.h"

#include <map>

#include "error.h"

namespace stratum::train {

const std::vector<ExtraScoreInfo>& extra_score_infos() {
    static const std::vector<ExtraScoreInfo> infos{
        {"feature", "feature", "how unlike its reconstruction G(E(x)) the critic finds the image: mean |f(x) - f(G(E(x)))|",
         false},
        {"reconstruction", "reconstruction", "how badly the generator redraws the image: mean |x - G(E(x))| over pixels",
         false},
        {"colour", "colour_features",
         "how unlike the training images its colours are: mean distance to the 5 nearest training images in the "
         "critic's first-layer colour features (mean and spread over the image)",
         true},
    };
    return infos;
}

torch::Tensor colour_features(Critic& d, const torch::Tensor& x, int stage) {
    const torch::Tensor a = leaky(d->trunk->from_rgb[stage - 1](x));
    const torch::Tensor mean = a.mean({2, 3}, /*keepdim=*/true);
    const torch::Tensor sd = (a - mean).pow(2).mean({2, 3}).sqrt();  // as the graph computes it
    return torch::cat({mean.flatten(1), sd}, 1);
}

torch::Tensor extra_scores(Generator& g, Critic& d, const torch::Tensor& x, const torch::Tensor& z, int stage) {
    if (d->trunk->mbstd_group != 1) throw Error("extra scores need the critic's minibatch-stddev groups of one");
    const torch::Tensor xr = g(z, stage, 1.0);
    const torch::Tensor f = d->features(x, stage, 1.0), fr = d->features(xr, stage, 1.0);
    const torch::Tensor feature = (f - fr).abs().mean(1);
    const torch::Tensor reconstruction = (x - xr).abs().flatten(1).mean(1);
    return torch::cat({torch::stack({feature, reconstruction}, 1), colour_features(d, x, stage)}, 1)
        .to(torch::kCPU, torch::kFloat64);
}

NeighbourBank colour_bank(const torch::Tensor& features, std::uint64_t seed, std::vector<std::int64_t>& chosen) {
    const torch::Tensor f = features.to(torch::kCPU, torch::kFloat64).contiguous();
    const std::int64_t n = f.size(0), d = f.size(1);
    chosen.clear();
    if (n > static_cast<std::int64_t>(kColourBankSize)) {
        torch::Generator gen = at::detail::createCPUGenerator(seed);
        const torch::Tensor order = std::get<0>(torch::randperm(n, gen, torch::kInt64).slice(0, 0, kColourBankSize).sort());
        chosen.assign(order.data_ptr<std::int64_t>(), order.data_ptr<std::int64_t>() + order.numel());
    } else {
        for (std::int64_t i = 0; i < n; ++i) chosen.push_back(i);
    }
    std::vector<double> rows;
    rows.reserve(chosen.size() * static_cast<std::size_t>(d));
    for (std::int64_t i : chosen) rows.insert(rows.end(), f[i].data_ptr<double>(), f[i].data_ptr<double>() + d);
    return make_neighbour_bank(rows, chosen.size(), static_cast<std::size_t>(d), kColourNeighbours);
}

std::vector<double> colour_scores(const NeighbourBank& bank, const torch::Tensor& features,
                                  const std::vector<std::int64_t>& chosen) {
    const torch::Tensor f = features.to(torch::kCPU, torch::kFloat32).contiguous();
    std::map<std::int64_t, std::ptrdiff_t> own;
    for (std::size_t b = 0; b < chosen.size(); ++b) own[chosen[b]] = static_cast<std::ptrdiff_t>(b);
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(f.size(0)));
    for (std::int64_t i = 0; i < f.size(0); ++i) {
        const auto it = own.find(i);
        out.push_back(neighbour_distance(bank, f[i].data_ptr<float>(), it == own.end() ? -1 : it->second));
    }
    return out;
}

void append_values(std::vector<double>& out, const torch::Tensor& values) {
    const torch::Tensor v = values.to(torch::kCPU, torch::kFloat64).contiguous();
    out.insert(out.end(), v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
}

}  // namespace stratum::train
