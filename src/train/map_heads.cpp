#include "map_heads.h"

#include <algorithm>
#include <utility>

#include "anomaly_map.h"
#include "error.h"

namespace stratum::train {

std::vector<MapInfo> candidate_maps(const NetConfig& net) {
    const int r = net.resolution;
    std::vector<MapInfo> maps;
    maps.push_back({"pixel", "map_pixel", "where the generator redraws the image badly: mean |x - G(E(x))| over colours", -1, r});
    // TrunkImpl::activations: [from-RGB at r, after each halving (r/2 ... 4), conv4 at 4].
    int level = 0;
    for (int res = r; res >= 8; res /= 2, ++level) {
        const std::string name = "feature_" + std::to_string(res);
        maps.push_back({name, "map_" + name,
                        "where the critic's features at " + std::to_string(res) + " x " + std::to_string(res) +
                            " differ between the image and G(E(x))" + (res == r ? " (its 1x1 colour features)" : ""),
                        level, res});
    }
    const int conv4_level = net.stages();  // from-RGB, (stages - 1) halvings, then conv4
    maps.push_back({"feature_4", "map_feature_4",
                    "where the critic's 4 x 4 features (those of the feature score) differ between the image and G(E(x))",
                    conv4_level, 4});
    return maps;
}

std::vector<MapInfo> exported_maps(const NetConfig& net) {
    const std::string fine = "feature_" + std::to_string(net.resolution / 2);
    std::vector<MapInfo> out;
    for (const MapInfo& m : candidate_maps(net))
        if (m.name == "pixel" || m.name == fine || m.name == "feature_4")
            if (std::none_of(out.begin(), out.end(), [&](const MapInfo& o) { return o.name == m.name; })) out.push_back(m);
    return out;
}

std::string default_map_name(const NetConfig&) {
    // The pixel map found most of every kind of synthetic defect (docs/RESULTS.md, "What the maps localise").
    return "pixel";
}

torch::Tensor residual_map(const MapInfo& info, const torch::Tensor& x, const torch::Tensor& reconstructed,
                           const std::vector<torch::Tensor>& x_activations,
                           const std::vector<torch::Tensor>& reconstructed_activations) {
    if (info.level < 0) return (x - reconstructed).abs().mean(1, /*keepdim=*/true);
    const auto at = static_cast<std::size_t>(info.level);
    if (at >= x_activations.size() || at >= reconstructed_activations.size())
        throw Error("map " + info.name + ": the critic has no activation at level " + std::to_string(info.level));
    return (x_activations[at] - reconstructed_activations[at]).abs().mean(1, /*keepdim=*/true);
}

MapSpec fit_map_spec(const MapInfo& info, const torch::Tensor& raw_in, const InputSpec& input, double q) {
    const torch::Tensor raw = raw_in.to(torch::kCPU, torch::kFloat32).flatten(1).contiguous();  // [n, r * r]
    MapSpec m;
    m.name = info.name;
    m.output = info.output;
    m.description = info.description;
    m.width = m.height = info.resolution;
    return calibrate_map_spec(std::move(m), raw.data_ptr<float>(), static_cast<std::size_t>(raw.size(0)), input, q);
}

}  // namespace stratum::train
