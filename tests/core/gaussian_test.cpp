// The Gaussian score: Mahalanobis distances worked out by hand, and how score_outputs reads it.
#include <catch2/catch.hpp>

#include <cmath>

#include "error.h"
#include "gaussian.h"
#include "scoring.h"
#include "test_cards.h"

using namespace stratum;

namespace {

// Mean (1, 2); precision [[4, 1], [1, 2]] (symmetric, positive definite: determinant 7).
GaussianModel hand_gaussian() { return {{1.0, 2.0}, {4.0, 1.0, 1.0, 2.0}}; }

}  // namespace

TEST_CASE("mahalanobis_distance is sqrt((f - mean)^T P (f - mean))", "[gaussian]") {
    const GaussianModel g = hand_gaussian();
    const float at_mean[] = {1.0f, 2.0f};
    CHECK(mahalanobis_distance(g, at_mean) == 0.0);
    const float along_x[] = {2.0f, 2.0f};  // d = (1, 0): 4
    CHECK(mahalanobis_distance(g, along_x) == Approx(2.0));
    const float along_y[] = {1.0f, 0.0f};  // d = (0, -2): 2 * 4 = 8
    CHECK(mahalanobis_distance(g, along_y) == Approx(std::sqrt(8.0)));
    const float both[] = {2.0f, 3.0f};  // d = (1, 1): 4 + 1 + 1 + 2 = 8
    CHECK(mahalanobis_distance(g, both) == Approx(std::sqrt(8.0)));
    const float against[] = {2.0f, 1.0f};  // d = (1, -1): 4 - 1 - 1 + 2 = 4
    CHECK(mahalanobis_distance(g, against) == Approx(2.0));

    const float bad[] = {NAN, 1.0f};
    CHECK_THROWS_WITH(mahalanobis_distance(g, bad), Catch::Contains("not finite"));
    GaussianModel cut = g;
    cut.precision.pop_back();
    CHECK_THROWS_WITH(mahalanobis_distance(cut, at_mean), Catch::Contains("not 2 x 2"));
}

TEST_CASE("score_outputs reads a Gaussian score from its feature vector", "[gaussian]") {
    ExtraScore encoder;
    encoder.name = "encoder_gaussian";
    encoder.output = "encoder_features";
    encoder.has_gaussian = true;
    encoder.gaussian = hand_gaussian();
    const ModelCard card = test::card_with_second_score(encoder);  // its calibration: median 1, MAD 1
    REQUIRE(extra_outputs_width(card) == 3);
    const float z[] = {2.0f};
    const LatentScore s = score_outputs(z, 1, {0.5, 2.0, 1.0}, card, 2, 0.0);
    REQUIRE(s.raw.size() == 3);
    CHECK(s.raw[1] == 0.5);
    CHECK(s.raw[2] == Approx(2.0));
    CHECK(s.score == Approx((2.0 - 1.0) / 1.4826));
    CHECK_THROWS_WITH(score_outputs(z, 1, {0.5, 2.0}, card, 1, 0.0), Catch::Contains("encoder_gaussian output has too few values"));
    CHECK_THROWS_WITH(score_outputs(z, 1, {0.5, INFINITY, 1.0}, card, 1, 0.0),
                      Catch::Contains("encoder_gaussian score is not finite"));
}

TEST_CASE("is_positive_definite tells positive definite matrices from the rest", "[gaussian]") {
    CHECK(is_positive_definite({4.0, 1.0, 1.0, 2.0}, 2));
    CHECK(is_positive_definite({1.0}, 1));
    CHECK_FALSE(is_positive_definite({1.0, 2.0, 2.0, 1.0}, 2));  // eigenvalues 3 and -1
    CHECK_FALSE(is_positive_definite({1.0, 1.0, 1.0, 1.0}, 2));  // singular
    CHECK_FALSE(is_positive_definite({0.0}, 1));
    CHECK_FALSE(is_positive_definite({1.0, 0.0, 0.0}, 2));  // not 2 x 2
    // 3 x 3: [[2, -1, 0], [-1, 2, -1], [0, -1, 2]] is positive definite (eigenvalues 2 - sqrt 2, 2, 2 + sqrt 2).
    CHECK(is_positive_definite({2, -1, 0, -1, 2, -1, 0, -1, 2}, 3));
    CHECK_FALSE(is_positive_definite({2, -1, 0, -1, 2, -1, 0, -1, -2}, 3));
}
