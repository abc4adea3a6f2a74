#include "scoring.h"

#include <cmath>

#include "error.h"

namespace stratum {

LatentScore score_latent(const float* latent, std::size_t size, const ModelCard& card, double threshold) {
    if (size != static_cast<std::size_t>(card.latent_size))
        throw Error("encoder returned " + std::to_string(size) + " values, the card says " +
                    std::to_string(card.latent_size));
    for (std::size_t i = 0; i < size; ++i)
        if (!std::isfinite(latent[i])) throw Error("encoder returned a non-finite value (NaN or infinity)");
    LatentScore s;
    s.norm = l2_norm(latent, size);
    s.score = calibrated_score(s.norm, card.calibration, card.direction);
    s.flagged = s.score >= threshold;
    return s;
}

}  // namespace stratum
