// One image, one card: the numbers every front-end shows (norm, the raw value of each score the card
// offers, the calibrated score that drives the verdict, the verdict).
#pragma once
#include <cstddef>
#include <vector>

#include "model_card.h"

namespace stratum {

struct LatentScore {
    double norm = 0;          // ||z||, the paper's cue
    std::vector<double> raw;  // each score of card_scores(card), raw (raw[0] = norm)
    double score = 0;         // the chosen score, calibrated: robust z-score against the training set,
                              // larger = more anomalous
    bool flagged = false;     // score >= threshold
};

// The latent alone: the norm drives the score (extra scores, if the card lists any, are left out).
// Throws stratum::Error when the latent's size differs from the card's or holds NaN/infinity.
LatentScore score_latent(const float* latent, std::size_t size, const ModelCard& card, double threshold);

// The latent and the graph's extra outputs for this image, in card order: one value per extra score,
// or D for a score with a neighbour bank or a Gaussian (extra_outputs_width(card) in all; fewer, whole scores only,
// when the front-end fetched a prefix). `chosen` indexes card_scores(card). Throws as above, also for
// a non-finite extra value.
LatentScore score_outputs(const float* latent, std::size_t size, const std::vector<double>& extras,
                          const ModelCard& card, int chosen, double threshold);

// The calibrated value of raw score `index` of card_scores(card) (the page re-scores on a switch).
double calibrated_score_of(const ModelCard& card, int index, double raw);

}  // namespace stratum
