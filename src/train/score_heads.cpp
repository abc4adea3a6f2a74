#include "score_heads.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "error.h"

namespace stratum::train {

const std::vector<ExtraScoreInfo>& extra_score_infos() {
    static const std::vector<ExtraScoreInfo> infos{
        {"feature", "feature", "how unlike its reconstruction G(E(x)) the critic finds the image: mean |f(x) - f(G(E(x)))|",
         ScoreReader::Value},
        {"reconstruction", "reconstruction", "how badly the generator redraws the image: mean |x - G(E(x))| over pixels",
         ScoreReader::Value},
        {"colour", "colour_features",
         "how unlike the training images its colours are: mean distance to the 5 nearest training images in the "
         "critic's first-layer colour features (mean and spread over the image)",
         ScoreReader::Neighbours},
        {"encoder_gaussian", "encoder_features",
         "how unlike the training images the encoder finds it: Mahalanobis distance of E's features, pooled at every "
         "resolution, to the training images' Gaussian",
         ScoreReader::Gaussian},
    };
    return infos;
}

std::vector<std::int64_t> extra_output_widths(const NetConfig& net) {
    std::int64_t encoder = 2 * net.width_at(4);  // the 4x4 output of conv4
    for (int res = net.resolution; res >= 4; res /= 2) encoder += 2 * net.width_at(res);
    return {1, 1, 2 * net.width_at(net.resolution), encoder};
}

std::size_t extra_score_index(const std::string& name) {
    const auto& infos = extra_score_infos();
    for (std::size_t k = 0; k < infos.size(); ++k)
        if (name == infos[k].name) return k;
    throw Error("no extra score is called \"" + name + "\"");
}

torch::Tensor mean_and_spread(const torch::Tensor& a) {
    const torch::Tensor mean = a.mean({2, 3}, /*keepdim=*/true);
    const torch::Tensor sd = (a - mean).pow(2).mean({2, 3}).sqrt();
    return torch::cat({mean.flatten(1), sd}, 1);
}

torch::Tensor colour_features(Critic& d, const torch::Tensor& x, int stage) {
    return mean_and_spread(leaky(d->trunk->from_rgb[stage - 1](x)));
}

torch::Tensor encoder_features(Encoder& e, const torch::Tensor& x, int stage) {
    std::vector<torch::Tensor> parts;
    for (const torch::Tensor& a : e->trunk->activations(x, stage)) parts.push_back(mean_and_spread(a));
    return torch::cat(parts, 1);
}

torch::Tensor extra_output(const torch::Tensor& extras, const NetConfig& net, std::size_t index) {
    const std::vector<std::int64_t> widths = extra_output_widths(net);
    std::int64_t at = 0;
    for (std::size_t i = 0; i < index; ++i) at += widths.at(i);
    return extras.slice(1, at, at + widths.at(index));
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

GaussianModel fit_gaussian(const torch::Tensor& features) {
    const torch::Tensor f = features.to(torch::kCPU, torch::kFloat64);
    if (f.dim() != 2 || f.size(0) < 2) throw Error("a Gaussian needs at least 2 training feature vectors");
    const torch::Tensor mean = f.mean(0, true);
    const torch::Tensor x = f - mean;
    const double n = static_cast<double>(x.size(0)), d = static_cast<double>(x.size(1));
    const torch::Tensor cov = torch::matmul(x.t(), x) / n;
    const double mu = cov.trace().item<double>() / d;
    const torch::Tensor eye = torch::eye(x.size(1), cov.options());
    const double d2 = (cov - mu * eye).pow(2).sum().item<double>();
    const double b_bar2 = (x.pow(2).sum(1).pow(2).sum().item<double>() - n * cov.pow(2).sum().item<double>()) / (n * n);
    if (!(mu > 0)) throw Error("the training images' features do not vary (are all the images alike?): no Gaussian");
    const double shrink = d2 > 0 ? std::min(b_bar2, d2) / d2 : 1.0;
    // A floor keeps the matrix invertible where a feature is constant and nothing is shrunk.
    const torch::Tensor shrunk = shrink * mu * eye + (1.0 - shrink) * cov + 1e-9 * mu * eye;
    torch::Tensor precision = torch::linalg::inv(shrunk);
    precision = ((precision + precision.t()) / 2).contiguous();  // exactly symmetric, as the card requires
    // Every number to 9 significant digits (a relative change below 1e-8): the card then stores each in
    // about 16 characters instead of 24, and what it stores is exactly this model.
    auto rounded = [](const torch::Tensor& t) {
        std::vector<double> v(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
        char text[40];
        for (double& x : v) {
            std::snprintf(text, sizeof text, "%.9g", x);
            x = std::strtod(text, nullptr);
        }
        return v;
    };
    GaussianModel g;
    g.mean = rounded(mean.flatten().contiguous());
    g.precision = rounded(precision);
    return g;
}

std::vector<double> gaussian_scores(const GaussianModel& model, const torch::Tensor& features) {
    const torch::Tensor f = features.to(torch::kCPU, torch::kFloat32).contiguous();
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(f.size(0)));
    for (std::int64_t i = 0; i < f.size(0); ++i) out.push_back(mahalanobis_distance(model, f[i].data_ptr<float>()));
    return out;
}

std::vector<double> gaussian_held_out_scores(const torch::Tensor& features, int folds, std::uint64_t seed) {
    const std::int64_t n = features.size(0);
    if (folds < 2 || n < 2 * folds) throw Error("held-out Gaussian scores need at least 2 rows per fold");
    torch::Generator gen = at::detail::createCPUGenerator(seed);
    const torch::Tensor order = torch::randperm(n, gen, torch::kInt64);
    const torch::Tensor fold_of = torch::empty({n}, torch::kInt64);
    for (std::int64_t r = 0; r < n; ++r) fold_of[order[r].item<std::int64_t>()] = r % folds;
    std::vector<double> out(static_cast<std::size_t>(n));
    for (int k = 0; k < folds; ++k) {
        const torch::Tensor in_fold = fold_of.eq(k);
        const torch::Tensor held = in_fold.nonzero().flatten();
        const GaussianModel g = fit_gaussian(features.index_select(0, in_fold.logical_not().nonzero().flatten()));
        const std::vector<double> d = gaussian_scores(g, features.index_select(0, held));
        for (std::int64_t i = 0; i < held.size(0); ++i) out[static_cast<std::size_t>(held[i].item<std::int64_t>())] = d[static_cast<std::size_t>(i)];
    }
    return out;
}

void append_values(std::vector<double>& out, const torch::Tensor& values) {
    const torch::Tensor v = values.to(torch::kCPU, torch::kFloat64).contiguous();
    out.insert(out.end(), v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
}

}  // namespace stratum::train
