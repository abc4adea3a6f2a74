// Order statistics shared by calibration, thresholds and histograms.
#pragma once
#include <vector>

namespace stratum {

// Linear interpolation between order statistics (Hyndman-Fan type 7, as numpy's default):
// q in [0, 1]. Throws stratum::Error on an empty set, q outside [0, 1], or a NaN value.
double quantile(std::vector<double> values, double q);
double median(const std::vector<double>& values);
// Median absolute deviation from the median (unscaled).
double mad(const std::vector<double>& values);

// Ranks 1..n with ties given their average rank (the "fractional" ranking).
std::vector<double> average_ranks(const std::vector<double>& values);
// Spearman's rank correlation (Pearson's on average ranks). Throws when sizes differ, fewer than two
// values are given, or either side is constant.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace stratum
