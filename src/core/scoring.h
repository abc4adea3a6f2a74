// One latent, one card: the numbers every front-end shows (norm, calibrated score, verdict).
#pragma once
#include <cstddef>

#include "model_card.h"

namespace stratum {

struct LatentScore {
    double norm = 0;     // ||z||, the paper's cue
    double score = 0;    // calibrated: robust z-score against the training norms, larger = more anomalous
    bool flagged = false;  // score >= threshold
};

// Throws stratum::Error when the latent's size differs from the card's or holds NaN/infinity.
LatentScore score_latent(const float* latent, std::size_t size, const ModelCard& card, double threshold);

}  // namespace stratum
