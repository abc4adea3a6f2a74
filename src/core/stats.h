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

}  // namespace stratum
