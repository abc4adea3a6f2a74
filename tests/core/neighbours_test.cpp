#include <catch2/catch.hpp>

#include <cmath>

#include "error.h"
#include "neighbours.h"
#include "scoring.h"
#include "test_cards.h"

using namespace stratum;

namespace {

// Three training points in 2-D, chosen so that the standardisation and the distances can be worked out
// by hand: x = (0, 2, 4) has mean 2 and standard deviation sqrt(8/3); y is constant 1 (scale falls back to 1).
NeighbourBank hand_bank(int k) { return make_neighbour_bank({0, 1, 2, 1, 4, 1}, 3, 2, k); }

}  // namespace

TEST_CASE("make_neighbour_bank standardises by the training mean and standard deviation", "[neighbours]") {
    const NeighbourBank b = hand_bank(1);
    REQUIRE(b.dims() == 2);
    REQUIRE(b.count() == 3);
    CHECK(b.center[0] == Approx(2.0));
    CHECK(b.center[1] == Approx(1.0));
    CHECK(b.scale[0] == Approx(std::sqrt(8.0 / 3.0)));
    CHECK(b.scale[1] == 1.0);  // a constant dimension: no division by zero
    CHECK(b.points[0] == Approx(-2.0 / std::sqrt(8.0 / 3.0)));
    CHECK(b.points[1] == Approx(0.0));
    CHECK_THROWS_AS(make_neighbour_bank({0, 1, 2}, 3, 1, 3), Error);  // needs more than k points
    CHECK_THROWS_AS(make_neighbour_bank({0, 1}, 3, 1, 1), Error);     // count x dims values
}

TEST_CASE("neighbour_distance is the mean distance to the k nearest, in standardised units", "[neighbours]") {
    const double s = std::sqrt(8.0 / 3.0);
    const float at_one[] = {1.0f, 1.0f};  // 1 unit from 0 and 2, 3 from 4 (raw units of x)
    CHECK(neighbour_distance(hand_bank(1), at_one) == Approx(1.0 / s));
    CHECK(neighbour_distance(hand_bank(2), at_one) == Approx(1.0 / s));
    const float far_left[] = {-2.0f, 1.0f};  // 2, 4 and 6 from the three points
    CHECK(neighbour_distance(hand_bank(2), far_left) == Approx((2.0 + 4.0) / 2.0 / s));
    const float off_axis[] = {4.0f, 4.0f};  // on the third point in x, 3 away in y (scale 1)
    CHECK(neighbour_distance(hand_bank(1), off_axis) == Approx(3.0));
    // A training image scored against the bank skips its own entry: point 2 (x = 4) then has x = 2 nearest.
    const float own[] = {4.0f, 1.0f};
    CHECK(neighbour_distance(hand_bank(1), own) == Approx(0.0).margin(1e-6));  // the bank holds floats
    CHECK(neighbour_distance(hand_bank(1), own, 2) == Approx(2.0 / s));
    CHECK(neighbour_distance(hand_bank(2), own, 2) == Approx((2.0 + 4.0) / 2.0 / s));
    NeighbourBank small = hand_bank(2);
    small.k = 3;  // a bank edited by hand: k = 3 but only 2 others when one is skipped
    CHECK_THROWS_AS(neighbour_distance(small, own, 2), Error);
    const float bad[] = {NAN, 1.0f};
    CHECK_THROWS_WITH(neighbour_distance(hand_bank(1), bad), Catch::Contains("not finite"));
}

TEST_CASE("score_outputs reads a neighbour-bank score from its feature vector", "[neighbours]") {
    ExtraScore colour;
    colour.name = "colour";
    colour.output = "colour_features";
    colour.has_neighbours = true;
    colour.neighbours = hand_bank(1);
    const ModelCard card = test::card_with_second_score(colour);  // its calibration: median 1, MAD 1
    REQUIRE(extra_outputs_width(card) == 3);
    const float z[] = {2.0f};
    const LatentScore s = score_outputs(z, 1, {0.5, 4.0, 4.0}, card, 2, 0.0);
    REQUIRE(s.raw.size() == 3);
    CHECK(s.raw[1] == 0.5);
    CHECK(s.raw[2] == Approx(3.0));
    CHECK(s.score == Approx((3.0 - 1.0) / 1.4826));
    // A prefix of whole scores is accepted (the feature score only); a cut vector is not.
    CHECK(score_outputs(z, 1, {0.5}, card, 1, 0.0).raw.size() == 2);
    CHECK_THROWS_WITH(score_outputs(z, 1, {0.5, 4.0}, card, 1, 0.0), Catch::Contains("colour output has too few values"));
    CHECK_THROWS_WITH(score_outputs(z, 1, {0.5, 4.0, 4.0, 1.0}, card, 1, 0.0), Catch::Contains("take 3"));
    CHECK_THROWS_WITH(score_outputs(z, 1, {0.5, NAN, 4.0}, card, 1, 0.0), Catch::Contains("colour score is not finite"));
}
