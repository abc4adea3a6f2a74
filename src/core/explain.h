// Plain words for the numbers stratum shows: what a calibrated score is, what a threshold means, what
// a model is for. The page shows them beside its numbers and `stratum score` prints them, from these
// functions, so that both say the same.
#pragma once
#include <string>

#include "model_card.h"

namespace stratum {

// One sentence: how a calibrated score is made from a raw score (score.h, calibrated_score).
std::string calibrated_score_meaning();

// What a threshold chosen by `choice` means, completing "threshold 3.51: ...". Methods:
// training_quantile (parameter q: "5 % of the training images score above it"), median_plus_k_mad
// (parameter k), top_percent (parameter p, of the images scored here), anything else: set by hand.
std::string threshold_meaning(const ThresholdChoice& choice);

// A model in a sentence or two for someone who did not train it: what it learnt from, its input, and
// which score decides. Built from the card's facts, not from its free-text description.
std::string model_summary(const ModelCard& card);

}  // namespace stratum
