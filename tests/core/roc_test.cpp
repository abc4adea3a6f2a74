#include <catch2/catch.hpp>
#include <cmath>

#include "error.h"
#include "roc.h"

using namespace stratum;

TEST_CASE("AUROC of hand-worked cases", "[roc]") {
    // Perfect separation.
    CHECK(auroc({0.1, 0.2, 0.8, 0.9}, {false, false, true, true}) == 1.0);
    // Perfectly inverted.
    CHECK(auroc({0.9, 0.8, 0.2, 0.1}, {false, false, true, true}) == 0.0);
    // Pairs (pos, neg): positives {0.35, 0.8}, negatives {0.1, 0.4}:
    // 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4.
    CHECK(auroc({0.1, 0.4, 0.35, 0.8}, {false, false, true, true}) == 0.75);
}

TEST_CASE("AUROC counts ties as one half", "[roc]") {
    // Every score equal: every pair is a tie.
    CHECK(auroc({1, 1, 1, 1, 1}, {true, false, false, true, false}) == 0.5);
    // positives {2, 3}, negatives {1, 2}: (2,1) win, (2,2) tie, (3,1) win, (3,2) win -> 3.5 / 4.
    CHECK(auroc({2, 3, 1, 2}, {true, true, false, false}) == 0.875);
    // Order of input must not matter.
    CHECK(auroc({2, 1, 2, 3}, {false, false, true, true}) == 0.875);
}

TEST_CASE("ROC and AUROC refuse degenerate input", "[roc]") {
    CHECK_THROWS_WITH(auroc({1, 2, 3}, {false, false, false}), Catch::Contains("at least one anomalous"));
    CHECK_THROWS_WITH(auroc({1, 2, 3}, {true, true, true}), Catch::Contains("at least one normal"));
    CHECK_THROWS_WITH(auroc({}, {}), Catch::Contains("at least one anomalous"));
    CHECK_THROWS_WITH(auroc({1, 2}, {true}), Catch::Contains("differ in number"));
    CHECK_THROWS_WITH(roc_curve({1, std::nan("")}, {true, false}), Catch::Contains("NaN"));
}

TEST_CASE("ROC curve groups ties into one step and its area equals AUROC", "[roc]") {
    const std::vector<double> scores = {2, 3, 1, 2, 5, 0.5};
    const std::vector<bool> labels = {true, true, false, false, true, false};
    const auto curve = roc_curve(scores, labels);
    // thresholds: inf, 5, 3, 2 (one tie group), 1, 0.5
    REQUIRE(curve.size() == 6);
    CHECK(std::isinf(curve[0].threshold));
    CHECK(curve[0].fpr == 0.0);
    CHECK(curve[0].tpr == 0.0);
    CHECK(curve[3].threshold == 2.0);
    CHECK(curve[3].tpr == 1.0);
    CHECK(curve[3].fpr == Approx(1.0 / 3));
    CHECK(curve.back().fpr == 1.0);
    CHECK(curve.back().tpr == 1.0);
    double area = 0.0;
    for (std::size_t i = 1; i < curve.size(); ++i)
        area += (curve[i].fpr - curve[i - 1].fpr) * (curve[i].tpr + curve[i - 1].tpr) / 2;
    CHECK(area == Approx(auroc(scores, labels)));
}

TEST_CASE("precision, recall and F1 at a threshold", "[roc]") {
    const std::vector<double> scores = {0.9, 0.8, 0.7, 0.3, 0.2, 0.1};
    const std::vector<bool> labels = {true, false, true, true, false, false};
    const Confusion c = confusion_at(scores, labels, 0.5);  // flags 0.9 0.8 0.7
    CHECK(c.tp == 2);
    CHECK(c.fp == 1);
    CHECK(c.fn == 1);
    CHECK(c.tn == 2);
    CHECK(c.precision() == Approx(2.0 / 3));
    CHECK(c.recall() == Approx(2.0 / 3));
    CHECK(c.f1() == Approx(2.0 / 3));
    const Confusion none = confusion_at(scores, labels, 10.0);
    CHECK(std::isnan(none.precision()));
    CHECK(none.recall() == 0.0);
    CHECK(std::isnan(none.f1()));
    // Scores equal to the threshold are flagged.
    CHECK(confusion_at({0.5}, {true}, 0.5).tp == 1);
}

TEST_CASE("histogram binning", "[roc]") {
    const Histogram h = histogram({0.0, 0.1, 0.5, 0.99, 1.0, -0.1, 1.5, std::nan("")}, 0.0, 1.0, 4);
    REQUIRE(h.counts.size() == 4);
    CHECK(h.counts[0] == 2);  // 0.0, 0.1
    CHECK(h.counts[1] == 0);
    CHECK(h.counts[2] == 1);  // 0.5
    CHECK(h.counts[3] == 2);  // 0.99 and the top edge 1.0
    CHECK(h.below == 1);
    CHECK(h.above == 1);
    CHECK(h.bin_width() == 0.25);
    const Histogram same = histogram({3.0, 3.0}, 5);
    CHECK(same.lo == 2.5);
    CHECK(same.hi == 3.5);
    CHECK(same.counts[2] == 2);
    const Histogram autorange = histogram({1.0, 2.0, 3.0}, 2);
    CHECK(autorange.counts[0] == 1);
    CHECK(autorange.counts[1] == 2);
    CHECK_THROWS_AS(histogram({1.0}, 1.0, 1.0, 3), Error);
    CHECK_THROWS_AS(histogram({1.0}, 0.0, 1.0, 0), Error);
}
