#include "roc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "error.h"

namespace stratum {
namespace {

struct ClassCounts {
    std::size_t positives = 0, negatives = 0;
};

ClassCounts check_labelled(const std::vector<double>& scores, const std::vector<bool>& labels) {
    if (scores.size() != labels.size())
        throw Error("scores (" + std::to_string(scores.size()) + ") and labels (" + std::to_string(labels.size()) +
                    ") differ in number");
    ClassCounts c;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (std::isnan(scores[i])) throw Error("score " + std::to_string(i) + " is NaN");
        labels[i] ? ++c.positives : ++c.negatives;
    }
    if (c.positives == 0) throw Error("ROC needs at least one anomalous sample; all are normal");
    if (c.negatives == 0) throw Error("ROC needs at least one normal sample; all are anomalous");
    return c;
}

}  // namespace

std::vector<RocPoint> roc_curve(const std::vector<double>& scores, const std::vector<bool>& labels) {
    const ClassCounts counts = check_labelled(scores, labels);
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    std::vector<RocPoint> curve;
    curve.push_back({std::numeric_limits<double>::infinity(), 0.0, 0.0});
    std::size_t tp = 0, fp = 0;
    for (std::size_t i = 0; i < order.size();) {
        const double s = scores[order[i]];
        for (; i < order.size() && scores[order[i]] == s; ++i) labels[order[i]] ? ++tp : ++fp;
        curve.push_back({s, static_cast<double>(fp) / counts.negatives, static_cast<double>(tp) / counts.positives});
    }
    return curve;
}

double auroc(const std::vector<double>& scores, const std::vector<bool>& labels) {
    const ClassCounts counts = check_labelled(scores, labels);
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    // Sum of the mid-ranks (1-based) of the positives.
    double rank_sum = 0.0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        std::size_t positives_in_group = 0;
        for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j)
            if (labels[order[j]]) ++positives_in_group;
        const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        rank_sum += mid_rank * static_cast<double>(positives_in_group);
        i = j;
    }
    const double p = static_cast<double>(counts.positives), n = static_cast<double>(counts.negatives);
    const double u = rank_sum - p * (p + 1.0) / 2.0;
    return u / (p * n);
}

double Confusion::precision() const {
    return tp + fp == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(tp) / (tp + fp);
}
double Confusion::recall() const {
    return tp + fn == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(tp) / (tp + fn);
}
double Confusion::f1() const {
    const double p = precision(), r = recall();
    if (std::isnan(p) || std::isnan(r)) return std::numeric_limits<double>::quiet_NaN();
    return p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
}

Confusion confusion_at(const std::vector<double>& scores, const std::vector<bool>& labels, double threshold) {
    if (scores.size() != labels.size()) throw Error("scores and labels differ in number");
    Confusion c;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const bool flagged = scores[i] >= threshold;
        if (labels[i]) flagged ? ++c.tp : ++c.fn;
        else flagged ? ++c.fp : ++c.tn;
    }
    return c;
}

Histogram histogram(const std::vector<double>& values, double lo, double hi, std::size_t bins) {
    if (bins == 0) throw Error("histogram needs at least one bin");
    if (!(hi > lo)) throw Error("histogram range must have hi > lo");
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(bins, 0);
    const double width = (hi - lo) / static_cast<double>(bins);
    for (double v : values) {
        if (std::isnan(v)) continue;
        if (v < lo) { ++h.below; continue; }
        if (v > hi) { ++h.above; continue; }
        std::size_t i = static_cast<std::size_t>((v - lo) / width);
        if (i >= bins) i = bins - 1;  // v == hi, or rounding at the top edge
        ++h.counts[i];
    }
    return h;
}

Histogram histogram(const std::vector<double>& values, std::size_t bins) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values)
        if (!std::isnan(v)) { lo = std::min(lo, v); hi = std::max(hi, v); }
    if (!(lo <= hi)) { lo = 0.0; hi = 1.0; }
    if (hi == lo) { lo -= 0.5; hi += 0.5; }
    return histogram(values, lo, hi, bins);
}

}  // namespace stratum
