// Ranking metrics for labelled scores: ROC curve, AUROC with ties, precision/recall/F1, histograms.
#pragma once
#include <cstddef>
#include <vector>

namespace stratum {

// One operating point: flag every sample whose score >= threshold.
struct RocPoint {
    double threshold;
    double fpr;
    double tpr;
};

// Labels: true = anomalous (positive). Scores: larger = more anomalous.
// The curve starts at (0, 0) with threshold +inf and ends at (1, 1); tied scores form one step
// (a diagonal segment), never a staircase that depends on input order.
// Throws stratum::Error when sizes differ, a score is NaN, or either class is missing.
std::vector<RocPoint> roc_curve(const std::vector<double>& scores, const std::vector<bool>& labels);

// Area under the ROC curve = P(score of a random anomaly > score of a random normal) + 0.5 P(tie),
// computed from mid-ranks (Mann-Whitney U). Same errors as roc_curve.
double auroc(const std::vector<double>& scores, const std::vector<bool>& labels);

struct Confusion {
    std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
    double precision() const;  // NaN when nothing is flagged
    double recall() const;     // NaN when there are no positives
    double f1() const;         // NaN when precision or recall is undefined; 0 when both are 0
};
Confusion confusion_at(const std::vector<double>& scores, const std::vector<bool>& labels, double threshold);

struct Histogram {
    double lo = 0, hi = 1;             // range covered by the bins
    std::vector<std::size_t> counts;   // bin i covers [lo + i w, lo + (i+1) w), the last bin includes hi
    std::size_t below = 0, above = 0;  // values outside [lo, hi]
    double bin_width() const { return (hi - lo) / static_cast<double>(counts.size()); }
};
// Bins over [lo, hi]. NaN values are skipped (counted nowhere). Throws when bins == 0 or hi <= lo.
Histogram histogram(const std::vector<double>& values, double lo, double hi, std::size_t bins);
// Bins over the values' own range (a single value or an all-equal set gets a unit-wide range).
Histogram histogram(const std::vector<double>& values, std::size_t bins);

}  // namespace stratum
