#include "score.h"

#include <algorithm>
#include <cmath>

#include "error.h"
#include "stats.h"

namespace stratum {

namespace {
constexpr double kMadToSigma = 1.4826;

double interpolate_quantile(const Calibration& c, double q) {
    if (c.levels.empty() || c.levels.size() != c.quantiles.size()) throw Error("calibration has no quantiles");
    if (q <= c.levels.front()) return c.quantiles.front();
    if (q >= c.levels.back()) return c.quantiles.back();
    const auto it = std::upper_bound(c.levels.begin(), c.levels.end(), q);
    const std::size_t hi = static_cast<std::size_t>(it - c.levels.begin());
    const std::size_t lo = hi - 1;
    const double t = (q - c.levels[lo]) / (c.levels[hi] - c.levels[lo]);
    return c.quantiles[lo] + (c.quantiles[hi] - c.quantiles[lo]) * t;
}

double robust_scale(const Calibration& c) {
    if (c.mad > 0.0) return kMadToSigma * c.mad;
    // Degenerate training set (half the norms identical): fall back to the spread of the quantiles.
    const double spread = c.quantiles.empty() ? 0.0 : c.quantiles.back() - c.quantiles.front();
    return spread > 0.0 ? spread : 1.0;
}
}  // namespace

double l2_norm(const float* latent, std::size_t size) {
    double sum = 0.0;
    for (std::size_t i = 0; i < size; ++i) sum += static_cast<double>(latent[i]) * latent[i];
    return std::sqrt(sum);
}

Direction parse_direction(const std::string& name) {
    if (name == "higher") return Direction::Higher;
    if (name == "lower") return Direction::Lower;
    if (name == "two_sided") return Direction::TwoSided;
    throw Error("unknown score direction \"" + name + "\" (expected higher, lower or two_sided)");
}

std::string direction_name(Direction direction) {
    switch (direction) {
        case Direction::Higher: return "higher";
        case Direction::Lower: return "lower";
        case Direction::TwoSided: return "two_sided";
    }
    return "higher";
}

const std::vector<double>& default_calibration_levels() {
    static const std::vector<double> levels = {0.0,  0.001, 0.01, 0.05, 0.1,  0.25,  0.5,
                                               0.75, 0.9,   0.95, 0.99, 0.995, 0.999, 1.0};
    return levels;
}

Calibration calibrate(const std::vector<double>& training_norms, const std::vector<double>& levels) {
    if (training_norms.empty()) throw Error("calibration needs at least one training norm");
    for (double v : training_norms)
        if (!std::isfinite(v)) throw Error("calibration: a training norm is not finite");
    if (!std::is_sorted(levels.begin(), levels.end())) throw Error("calibration levels must be ascending");
    Calibration c;
    c.levels = levels;
    std::vector<double> sorted = training_norms;
    std::sort(sorted.begin(), sorted.end());
    for (double q : levels) c.quantiles.push_back(quantile(sorted, q));
    c.median = median(sorted);
    c.mad = mad(sorted);
    c.count = training_norms.size();
    return c;
}

double calibrated_score(double norm, const Calibration& c, Direction direction) {
    const double z = (norm - c.median) / robust_scale(c);
    switch (direction) {
        case Direction::Higher: return z;
        case Direction::Lower: return -z;
        case Direction::TwoSided: return std::fabs(z);
    }
    return z;
}

std::vector<double> norms_at_score(double score, const Calibration& c, Direction direction) {
    const double scale = robust_scale(c);
    switch (direction) {
        case Direction::Higher: return {c.median + score * scale};
        case Direction::Lower: return {c.median - score * scale};
        case Direction::TwoSided: return {c.median - score * scale, c.median + score * scale};
    }
    return {};
}

double threshold_training_quantile(const Calibration& c, Direction direction, double q) {
    if (!(q >= 0.0 && q <= 1.0)) throw Error("training quantile must lie in [0, 1]");
    switch (direction) {
        case Direction::Higher: return calibrated_score(interpolate_quantile(c, q), c, direction);
        case Direction::Lower: return calibrated_score(interpolate_quantile(c, 1.0 - q), c, direction);
        case Direction::TwoSided: {
            // Symmetric tails: q of the training set lies inside [quantile((1-q)/2), quantile((1+q)/2)].
            const double lo = calibrated_score(interpolate_quantile(c, (1.0 - q) / 2), c, direction);
            const double hi = calibrated_score(interpolate_quantile(c, (1.0 + q) / 2), c, direction);
            return std::max(lo, hi);
        }
    }
    return 0.0;
}

double threshold_median_plus_k_mad(double k) { return k / kMadToSigma; }

double threshold_top_percent(const std::vector<double>& scores, double percent) {
    if (scores.empty()) throw Error("top-percent threshold of an empty set");
    if (!(percent > 0.0 && percent <= 100.0)) throw Error("top percent must lie in (0, 100]");
    std::vector<double> sorted = scores;
    std::sort(sorted.begin(), sorted.end(), std::greater<double>());
    std::size_t k = static_cast<std::size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size())));
    if (k < 1) k = 1;
    return sorted[k - 1];
}

}  // namespace stratum
