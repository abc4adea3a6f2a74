#include "plot_axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "stats.h"

namespace web {

HistogramAxis histogram_axis(const std::vector<double>& given, double threshold, int max_ticks) {
    std::vector<double> values;
    for (double v : given)
        if (std::isfinite(v)) values.push_back(v);
    HistogramAxis a;
    if (values.empty()) {
        a.lo = threshold - 1, a.hi = threshold + 1;
    } else {
        // Far out (Tukey's outer fences): more than 3 interquartile ranges beyond the quartiles; the
        // range (at least half a score unit) is robust to a few such scores even among 20 images.
        const double q1 = stratum::quantile(values, 0.25), q3 = stratum::quantile(values, 0.75);
        const double spread = std::max(q3 - q1, 0.5);
        const double keep_lo = q1 - 3 * spread, keep_hi = q3 + 3 * spread;
        double in_lo = q1, in_hi = q3;
        for (double v : values)
            if (v >= keep_lo && v <= keep_hi) in_lo = std::min(in_lo, v), in_hi = std::max(in_hi, v);
        a.lo = std::min(in_lo, threshold);
        a.hi = std::max(in_hi, threshold);
        const double pad = std::max(0.05 * (a.hi - a.lo), 0.1);
        a.lo -= pad, a.hi += pad;
        for (double v : values) {
            a.below += v < a.lo;
            a.above += v > a.hi;
        }
    }
    // Round ticks: the 1-2-5 step that gives at most max_ticks of them.
    const double span = a.hi - a.lo;
    const double raw = span / std::max(1, max_ticks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    for (double t = std::ceil(a.lo / step) * step; t <= a.hi + 1e-9 * span; t += step)
        a.ticks.push_back(std::fabs(t) < 1e-12 * span ? 0.0 : t);
    a.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    return a;
}

StrataAxis strata_axis(const std::vector<double>& norms, const stratum::Calibration& calibration) {
    StrataAxis a;
    double lo = 1e300, hi = -1e300;
    for (double n : norms)
        if (std::isfinite(n)) lo = std::min(lo, n), hi = std::max(hi, n);
    for (double q : calibration.quantiles) lo = std::min(lo, q), hi = std::max(hi, q);
    if (lo <= hi) a.inner = std::max(0.0, lo - 0.1 * std::max(hi - lo, 1e-6));
    const std::pair<double, const char*> wanted[] = {{0.05, "5 %"}, {0.5, "median"}, {0.95, "95 %"}};
    for (const auto& [level, label] : wanted) {
        if (calibration.levels.empty()) break;
        std::size_t best = 0;
        for (std::size_t i = 1; i < calibration.levels.size(); ++i)
            if (std::fabs(calibration.levels[i] - level) < std::fabs(calibration.levels[best] - level)) best = i;
        char text[32];
        const double at = calibration.levels[best];
        if (std::fabs(at - level) < 1e-9) std::snprintf(text, sizeof text, "%s", label);
        else std::snprintf(text, sizeof text, "%.3g %%", 100 * at);
        if (a.rings.empty() || a.rings.back().norm < calibration.quantiles[best]) a.rings.push_back({calibration.quantiles[best], text});
    }
    return a;
}

}  // namespace web
