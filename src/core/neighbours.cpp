#include "neighbours.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.h"

namespace stratum {

double neighbour_distance(const NeighbourBank& bank, const float* features, std::ptrdiff_t exclude) {
    const std::size_t d = bank.dims(), n = bank.count();
    const std::size_t k = static_cast<std::size_t>(std::max(1, bank.k));
    if (n < k + (exclude >= 0 ? 1 : 0))
        throw Error("the neighbour bank holds " + std::to_string(n) + " points, fewer than k = " + std::to_string(k));
    std::vector<double> x(d);
    for (std::size_t j = 0; j < d; ++j) {
        if (!std::isfinite(features[j])) throw Error("a feature of the neighbour score is not finite (NaN or infinity)");
        x[j] = (static_cast<double>(features[j]) - bank.center[j]) / bank.scale[j];
    }
    // The k smallest squared distances, kept sorted in a small array.
    std::vector<double> best(k, INFINITY);
    for (std::size_t i = 0; i < n; ++i) {
        if (static_cast<std::ptrdiff_t>(i) == exclude) continue;
        const float* p = bank.points.data() + i * d;
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) {
            const double diff = x[j] - static_cast<double>(p[j]);
            s += diff * diff;
        }
        if (s < best.back()) {
            best.back() = s;
            for (std::size_t m = k - 1; m > 0 && best[m] < best[m - 1]; --m) std::swap(best[m], best[m - 1]);
        }
    }
    double sum = 0;
    for (double s : best) sum += std::sqrt(s);
    return sum / static_cast<double>(k);
}

NeighbourBank make_neighbour_bank(const std::vector<double>& features, std::size_t count, std::size_t dims, int k) {
    if (dims == 0 || k < 1 || count <= static_cast<std::size_t>(k) || features.size() != count * dims)
        throw Error("a neighbour bank needs more than k = " + std::to_string(k) + " feature vectors of equal size");
    NeighbourBank bank;
    bank.k = k;
    bank.center.assign(dims, 0.0);
    bank.scale.assign(dims, 0.0);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t j = 0; j < dims; ++j) bank.center[j] += features[i * dims + j];
    for (double& c : bank.center) c /= static_cast<double>(count);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t j = 0; j < dims; ++j) {
            const double diff = features[i * dims + j] - bank.center[j];
            bank.scale[j] += diff * diff;
        }
    for (double& s : bank.scale) {
        s = std::sqrt(s / static_cast<double>(count));
        if (!(s > 0)) s = 1.0;
    }
    bank.points.resize(count * dims);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t j = 0; j < dims; ++j)
            bank.points[i * dims + j] = static_cast<float>((features[i * dims + j] - bank.center[j]) / bank.scale[j]);
    return bank;
}

}  // namespace stratum
