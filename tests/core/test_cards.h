// Small model cards for the core's scoring tests.
#pragma once
#include "model_card.h"

namespace stratum::test {

// A card with a one-value latent (norm calibrated on 1, 2, 3), a one-value "feature" score (the same
// calibration) and `second`, whose calibration is set to median 1, MAD 1 (values 0, 1, 2).
inline ModelCard card_with_second_score(ExtraScore second) {
    ModelCard card;
    card.latent_size = 1;
    card.calibration = calibrate({1, 2, 3});
    ExtraScore feature;
    feature.name = feature.output = "feature";
    feature.calibration = calibrate({1, 2, 3});
    second.calibration = calibrate({0.0, 1.0, 2.0});
    card.extra_scores = {feature, second};
    return card;
}

}  // namespace stratum::test
