#include <catch2/catch.hpp>
#include <cmath>

#include "error.h"
#include "score.h"
#include "scoring.h"
#include "stats.h"

using namespace stratum;

TEST_CASE("L2 norm", "[score]") {
    CHECK(l2_norm(std::vector<float>{3.0f, 4.0f}) == 5.0);
    CHECK(l2_norm(std::vector<float>{}) == 0.0);
    CHECK(l2_norm(std::vector<float>{-1.0f, -1.0f, -1.0f, -1.0f}) == 2.0);
}

TEST_CASE("quantiles interpolate between order statistics (type 7)", "[score]") {
    const std::vector<double> v = {4, 1, 3, 2};  // sorted 1 2 3 4
    CHECK(quantile(v, 0.0) == 1.0);
    CHECK(quantile(v, 1.0) == 4.0);
    CHECK(quantile(v, 0.5) == 2.5);
    CHECK(quantile(v, 0.25) == Approx(1.75));  // position 0.75 between 1 and 2
    CHECK(median({5}) == 5.0);
    CHECK(median({1, 2, 3}) == 2.0);
    // MAD of 1 1 2 2 4 6 9: median 2, deviations 1 1 0 0 2 4 7 -> median 1.
    CHECK(mad({1, 1, 2, 2, 4, 6, 9}) == 1.0);
    CHECK_THROWS_AS(quantile({}, 0.5), Error);
    CHECK_THROWS_AS(quantile({1.0}, 1.5), Error);
    CHECK_THROWS_AS(quantile({1.0, std::nan("")}, 0.5), Error);
}

TEST_CASE("calibration summarises the training norms", "[score]") {
    std::vector<double> norms;
    for (int i = 0; i <= 100; ++i) norms.push_back(10.0 + i * 0.1);  // 10.0 .. 20.0
    const Calibration c = calibrate(norms);
    CHECK(c.count == 101);
    CHECK(c.median == Approx(15.0));
    CHECK(c.mad == Approx(2.5));
    REQUIRE(c.levels.size() == c.quantiles.size());
    CHECK(c.quantiles.front() == Approx(10.0));
    CHECK(c.quantiles.back() == Approx(20.0));
    CHECK_THROWS_AS(calibrate({}), Error);
    CHECK_THROWS_AS(calibrate({1.0, INFINITY}), Error);
}

TEST_CASE("calibrated score is a robust z-score oriented by direction", "[score]") {
    Calibration c = calibrate({1, 2, 3, 4, 5});  // median 3, MAD 1
    const double s = 1.4826;
    CHECK(calibrated_score(3.0, c, Direction::Higher) == 0.0);
    CHECK(calibrated_score(3.0 + s, c, Direction::Higher) == Approx(1.0));
    CHECK(calibrated_score(3.0 - s, c, Direction::Higher) == Approx(-1.0));
    CHECK(calibrated_score(3.0 - s, c, Direction::Lower) == Approx(1.0));
    CHECK(calibrated_score(3.0 - 2 * s, c, Direction::TwoSided) == Approx(2.0));
    CHECK(calibrated_score(3.0 + 2 * s, c, Direction::TwoSided) == Approx(2.0));
    // Zero MAD must not divide by zero.
    const Calibration flat = calibrate({2, 2, 2, 2, 7});
    CHECK(flat.mad == 0.0);
    CHECK(std::isfinite(calibrated_score(9.0, flat, Direction::Higher)));
    CHECK(calibrated_score(9.0, flat, Direction::Higher) > 0.0);
    CHECK(parse_direction(direction_name(Direction::TwoSided)) == Direction::TwoSided);
    CHECK_THROWS_WITH(parse_direction("up"), Catch::Contains("unknown score direction"));
}

TEST_CASE("threshold presets", "[score]") {
    std::vector<double> norms;
    for (int i = 0; i <= 100; ++i) norms.push_back(i);  // 0 .. 100, median 50, MAD 25
    const Calibration c = calibrate(norms, {0.0, 0.5, 0.9, 0.95, 1.0});
    // Training quantile 0.95 -> norm 95 -> score (95 - 50) / (1.4826 * 25).
    CHECK(threshold_training_quantile(c, Direction::Higher, 0.95) == Approx(45.0 / (1.4826 * 25)));
    // Between stored levels the quantile interpolates linearly: 0.925 -> norm 92.5.
    CHECK(threshold_training_quantile(c, Direction::Higher, 0.925) == Approx(42.5 / (1.4826 * 25)));
    // For "lower", q of the training set lies above the threshold: the 5 % quantile, norm 5.
    const Calibration c2 = calibrate(norms, {0.0, 0.05, 0.5, 1.0});
    CHECK(threshold_training_quantile(c2, Direction::Lower, 0.95) == Approx(45.0 / (1.4826 * 25)));
    // Two-sided: the central 90 % is [5, 95], both 45 from the median.
    const Calibration c3 = calibrate(norms, {0.0, 0.05, 0.5, 0.95, 1.0});
    CHECK(threshold_training_quantile(c3, Direction::TwoSided, 0.9) == Approx(45.0 / (1.4826 * 25)));

    CHECK(threshold_median_plus_k_mad(3.0) == Approx(3.0 / 1.4826));

    const std::vector<double> scores = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
    CHECK(threshold_top_percent(scores, 10) == 10.0);   // the single largest
    CHECK(threshold_top_percent(scores, 30) == 8.0);    // 10, 9, 8
    CHECK(threshold_top_percent(scores, 25) == 8.0);    // 2.5 rounds up to 3 images
    CHECK(threshold_top_percent(scores, 100) == 1.0);
    CHECK_THROWS_AS(threshold_top_percent(scores, 0), Error);
    CHECK_THROWS_AS(threshold_top_percent({}, 10), Error);
}

TEST_CASE("score_latent combines norm, calibration and threshold", "[score]") {
    ModelCard card;
    card.latent_size = 2;
    card.direction = Direction::Higher;
    card.calibration = calibrate({1, 2, 3, 4, 5});  // median 3, MAD 1
    const float z[] = {3.0f, 4.0f};                 // norm 5
    const LatentScore s = score_latent(z, 2, card, 1.0);
    CHECK(s.norm == 5.0);
    CHECK(s.score == Approx(2.0 / 1.4826));
    CHECK(s.flagged);
    CHECK_FALSE(score_latent(z, 2, card, 2.0).flagged);
    CHECK_THROWS_WITH(score_latent(z, 1, card, 1.0), Catch::Contains("the card says 2"));
    const float bad[] = {NAN, 1.0f};
    CHECK_THROWS_WITH(score_latent(bad, 2, card, 1.0), Catch::Contains("non-finite"));
}

TEST_CASE("score_outputs: the chosen score, calibrated by its own training summary, drives the verdict", "[score]") {
    ModelCard card;
    card.latent_size = 2;
    card.calibration = calibrate({1, 2, 3, 4, 5});  // norm: median 3, MAD 1
    ExtraScore feature;
    feature.name = feature.output = "feature";
    feature.calibration = calibrate({10, 20, 30, 40, 50});  // median 30, MAD 10
    ExtraScore lower = feature;
    lower.name = lower.output = "lower";
    lower.direction = Direction::Lower;
    card.extra_scores = {feature, lower};
    const float z[] = {3.0f, 4.0f};  // norm 5
    const LatentScore by_norm = score_outputs(z, 2, {45.0, 45.0}, card, 0, 1.0);
    CHECK(by_norm.raw == std::vector<double>{5.0, 45.0, 45.0});
    CHECK(by_norm.score == Approx(2.0 / 1.4826));
    const LatentScore by_feature = score_outputs(z, 2, {45.0, 45.0}, card, 1, 1.0);
    CHECK(by_feature.norm == 5.0);
    CHECK(by_feature.score == Approx(15.0 / (10 * 1.4826)));
    CHECK(by_feature.flagged);
    CHECK_FALSE(score_outputs(z, 2, {30.0, 30.0}, card, 1, 0.5).flagged);
    CHECK(score_outputs(z, 2, {45.0, 45.0}, card, 2, 0.0).score == Approx(-15.0 / (10 * 1.4826)));
    CHECK(calibrated_score_of(card, 1, 45.0) == by_feature.score);
    CHECK_THROWS_WITH(score_outputs(z, 2, {NAN, 1.0}, card, 0, 1.0), Catch::Contains("feature score is not finite"));
    CHECK_THROWS_WITH(score_outputs(z, 2, {1.0, 2.0, 3.0}, card, 0, 1.0), Catch::Contains("the card's scores take 2"));
    CHECK_THROWS_AS(score_outputs(z, 2, {1.0}, card, 2, 1.0), Error);  // no value for the chosen score
    CHECK_THROWS_AS(calibrated_score_of(card, 3, 1.0), Error);
}

TEST_CASE("average ranks and Spearman's correlation", "[score]") {
    CHECK(average_ranks({10, 30, 20, 20}) == std::vector<double>{1, 4, 2.5, 2.5});
    CHECK(spearman({1, 2, 3, 4}, {10, 20, 30, 40}) == Approx(1.0));
    CHECK(spearman({1, 2, 3, 4}, {4, 3, 2, 1}) == Approx(-1.0));
    // Monotone but not linear: still 1.
    CHECK(spearman({1, 2, 3, 4, 5}, {1, 4, 9, 16, 1000}) == Approx(1.0));
    // Hand-worked with a tie: ranks a = 1 2 3 4, b = 1 2.5 2.5 4 -> r = 4.5 / sqrt(5 * 4.5).
    CHECK(spearman({1, 2, 3, 4}, {5, 6, 6, 9}) == Approx(4.5 / std::sqrt(5 * 4.5)));
    CHECK_THROWS_WITH(spearman({1, 2}, {3, 3}), Catch::Contains("constant"));
    CHECK_THROWS_WITH(spearman({1}, {2}), Catch::Contains("at least two"));
}

TEST_CASE("norms_at_score inverts the calibrated score", "[score]") {
    const Calibration c = calibrate({1, 2, 3, 4, 5});
    for (Direction d : {Direction::Higher, Direction::Lower, Direction::TwoSided})
        for (double norm : norms_at_score(1.7, c, d)) CHECK(calibrated_score(norm, c, d) == Approx(1.7));
    CHECK(norms_at_score(1.0, c, Direction::TwoSided).size() == 2);
    CHECK(norms_at_score(1.0, c, Direction::Higher)[0] == Approx(3 + 1.4826));
}
