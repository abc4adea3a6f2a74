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

}  // namespace stratum
