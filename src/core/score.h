// From a latent code to a score and a verdict: the paper's cue is the distance of E(x) from the origin.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace stratum {

// Euclidean (L2) norm, accumulated in double so that long latents lose no precision.
double l2_norm(const float* latent, std::size_t size);
inline double l2_norm(const std::vector<float>& latent) { return l2_norm(latent.data(), latent.size()); }

// Which way of the training norms counts as anomalous.
enum class Direction {
    Higher,    // a larger norm is more anomalous
    Lower,     // a smaller norm is more anomalous
    TwoSided,  // distance from the training median in either direction
};
Direction parse_direction(const std::string& name);  // "higher", "lower", "two_sided"
std::string direction_name(Direction direction);

// Summary of the norms of the training set, stored in the model card.
struct Calibration {
    std::vector<double> levels;     // quantile levels, ascending, in [0, 1]
    std::vector<double> quantiles;  // the norm at each level
    double median = 0.0;
    double mad = 0.0;               // unscaled median absolute deviation
    std::size_t count = 0;          // how many training norms were summarised
};

// The levels stored by default: enough to draw the training distribution and pick common thresholds.
const std::vector<double>& default_calibration_levels();
Calibration calibrate(const std::vector<double>& training_norms,
                      const std::vector<double>& levels = default_calibration_levels());

// Calibrated score: a robust z-score of the norm against the training norms, oriented so that larger
// always means more anomalous. scale = 1.4826 * MAD (a standard deviation for Gaussian data); when the
// MAD is zero the scale falls back to the range of the stored quantiles, or 1: never a division by zero.
double calibrated_score(double norm, const Calibration& calibration, Direction direction);

// The norms whose calibrated score equals `score` (the inverse of calibrated_score): one for higher and
// lower, two for two_sided (below and above the median). For drawing thresholds in norm units.
std::vector<double> norms_at_score(double score, const Calibration& calibration, Direction direction);

// Threshold presets, all in calibrated-score units (flag when score >= threshold).
// A quantile of the training set: the score that fraction q of training images stay below.
double threshold_training_quantile(const Calibration& calibration, Direction direction, double q);
// median + k * MAD of the training norms, i.e. a calibrated score of k / 1.4826.
double threshold_median_plus_k_mad(double k);
// Flag the top `percent` of the current scores (ties at the cut are all flagged).
double threshold_top_percent(const std::vector<double>& scores, double percent);

}  // namespace stratum
