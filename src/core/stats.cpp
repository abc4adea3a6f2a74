#include "stats.h"

#include <algorithm>
#include <cmath>

#include "error.h"

namespace stratum {

double quantile(std::vector<double> values, double q) {
    if (values.empty()) throw Error("quantile of an empty set");
    if (!(q >= 0.0 && q <= 1.0)) throw Error("quantile level must lie in [0, 1]");
    for (double v : values)
        if (std::isnan(v)) throw Error("quantile of a set that contains NaN");
    std::sort(values.begin(), values.end());
    const double pos = q * static_cast<double>(values.size() - 1);
    const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return values[lo] + (values[hi] - values[lo]) * frac;
}

double median(const std::vector<double>& values) { return quantile(values, 0.5); }

double mad(const std::vector<double>& values) {
    const double m = median(values);
    std::vector<double> deviations;
    deviations.reserve(values.size());
    for (double v : values) deviations.push_back(std::fabs(v - m));
    return median(deviations);
}

std::vector<double> average_ranks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
        const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
        i = j;
    }
    return ranks;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) throw Error("spearman: the two sides differ in size");
    if (a.size() < 2) throw Error("spearman needs at least two pairs");
    const std::vector<double> ra = average_ranks(a), rb = average_ranks(b);
    const double n = static_cast<double>(a.size()), mean = (n + 1.0) / 2.0;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - mean) * (rb[i] - mean);
        saa += (ra[i] - mean) * (ra[i] - mean);
        sbb += (rb[i] - mean) * (rb[i] - mean);
    }
    if (saa == 0.0 || sbb == 0.0) throw Error("spearman: one side is constant");
    return sab / std::sqrt(saa * sbb);
}

}  // namespace stratum
