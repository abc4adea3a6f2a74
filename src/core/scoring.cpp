#include "scoring.h"

#include <cmath>

#include "error.h"

namespace stratum {

double calibrated_score_of(const ModelCard& card, int index, double raw) {
    if (index == 0) return calibrated_score(raw, card.calibration, card.direction);
    if (index < 0 || static_cast<std::size_t>(index) > card.extra_scores.size())
        throw Error("score index " + std::to_string(index) + " is not one the card offers");
    const ExtraScore& x = card.extra_scores[static_cast<std::size_t>(index - 1)];
    return calibrated_score(raw, x.calibration, x.direction);
}

LatentScore score_outputs(const float* latent, std::size_t size, const std::vector<double>& extras,
                          const ModelCard& card, int chosen, double threshold) {
    if (size != static_cast<std::size_t>(card.latent_size))
        throw Error("encoder returned " + std::to_string(size) + " values, the card says " +
                    std::to_string(card.latent_size));
    for (std::size_t i = 0; i < size; ++i)
        if (!std::isfinite(latent[i])) throw Error("encoder returned a non-finite value (NaN or infinity)");
    if (extras.size() > extra_outputs_width(card))
        throw Error("the graph returned " + std::to_string(extras.size()) + " extra values, the card's scores take " +
                    std::to_string(extra_outputs_width(card)));
    LatentScore s;
    s.norm = l2_norm(latent, size);
    s.raw.push_back(s.norm);
    std::size_t at = 0;
    std::vector<float> features;
    for (const ExtraScore& x : card.extra_scores) {
        const std::size_t width = x.output_width();
        if (at + width > extras.size()) {
            if (at != extras.size()) throw Error("the graph's " + x.name + " output has too few values");
            break;
        }
        for (std::size_t j = at; j < at + width; ++j)
            if (!std::isfinite(extras[j])) throw Error("the graph's " + x.name + " score is not finite (NaN or infinity)");
        if (x.has_neighbours) {
            features.assign(extras.begin() + static_cast<long>(at), extras.begin() + static_cast<long>(at + width));
            s.raw.push_back(neighbour_distance(x.neighbours, features.data()));
        } else if (x.has_gaussian) {
            features.assign(extras.begin() + static_cast<long>(at), extras.begin() + static_cast<long>(at + width));
            s.raw.push_back(mahalanobis_distance(x.gaussian, features.data()));
        } else {
            s.raw.push_back(extras[at]);
        }
        at += width;
    }
    if (chosen < 0 || static_cast<std::size_t>(chosen) >= s.raw.size())
        throw Error("score index " + std::to_string(chosen) + " has no value for this image");
    s.score = calibrated_score_of(card, chosen, s.raw[static_cast<std::size_t>(chosen)]);
    s.flagged = s.score >= threshold;
    return s;
}

LatentScore score_latent(const float* latent, std::size_t size, const ModelCard& card, double threshold) {
    return score_outputs(latent, size, {}, card, 0, threshold);
}

}  // namespace stratum
