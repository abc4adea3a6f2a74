// The plots' axes. The score histogram's: a range that shows where most scores lie even when a few
// lie far out (those are counted in overflow marks at the edges, not squashed into the scale), with
// round tick values. The strata view's: the radial range of the norms, and rings at the training
// images' quantiles. App logic: no ImGui or GL (tests/web).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "score.h"

namespace web {

struct HistogramAxis {
    double lo = 0, hi = 1;       // the drawn range, in calibrated-score units
    std::size_t below = 0, above = 0;  // scores outside [lo, hi]
    std::vector<double> ticks;   // round values inside [lo, hi], ascending, 1-2-5 steps
    int decimals = 0;            // enough to tell neighbouring ticks apart
};

// `values`: the scores (finite; NaN skipped); `threshold`: always inside the range. The range covers
// every score except those far out (more than 3 interquartile ranges beyond the quartiles, Tukey's
// outer fences), which are counted below or above.
// About `max_ticks` ticks (at least 2 when the range allows). An empty `values` gives a unit range
// around the threshold.
HistogramAxis histogram_axis(const std::vector<double>& values, double threshold, int max_ticks = 6);

// The strata view draws each image at radius ||z|| - inner (angle from its PCA coordinates), so that
// the norms' range fills the plot instead of a thin ring far from the origin.
struct StrataRing {
    double norm = 0;    // ||z|| of the ring
    std::string label;  // "5 %", "median", "95 %": the share of training images inside it
};
struct StrataAxis {
    double inner = 0;                // the norm drawn at the centre (radius 0), >= 0
    std::vector<StrataRing> rings;   // training quantiles, ascending
};
// `norms`: every norm shown (training sample and scored images); `calibration`: the training norms'
// (the card's). inner lies below the smallest norm by a tenth of the norms' range (0 if that is
// negative). Rings at the training quantiles 5 %, 50 % and 95 % (the nearest stored levels).
StrataAxis strata_axis(const std::vector<double>& norms, const stratum::Calibration& calibration);

}  // namespace web
