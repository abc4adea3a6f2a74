// Distance of an image to its nearest training images in a feature space: the score that reads a
// feature vector the graph computes (for example the critic's first-layer colour features, pooled over
// the image) instead of a single value. The training features travel in the model card as a bank.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace stratum {

// Features are standardised first, (f - center) / scale per dimension, so that no dimension dominates
// by its units; the bank holds the standardised training features.
struct NeighbourBank {
    int k = 5;                   // neighbours averaged, 1 <= k <= count()
    std::vector<double> center;  // D
    std::vector<double> scale;   // D, every value > 0
    std::vector<float> points;   // count() x D, row-major, standardised
    std::size_t dims() const { return center.size(); }
    std::size_t count() const { return dims() ? points.size() / dims() : 0; }
};

// Mean Euclidean distance (standardised units) from `features` (D values) to the k nearest bank
// points, skipping point `exclude` (a training image's own entry when the training set is scored for
// calibration; -1 skips none). Accumulates in double. Throws stratum::Error when the bank holds fewer
// than k points (k + 1 with an exclusion) or a feature is not finite.
double neighbour_distance(const NeighbourBank& bank, const float* features, std::ptrdiff_t exclude = -1);

// The bank of `count` training feature vectors (count x dims, row-major, in double): center = mean,
// scale = standard deviation (1 where a dimension is constant), points standardised. Throws
// stratum::Error when count <= k or dims == 0.
NeighbourBank make_neighbour_bank(const std::vector<double>& features, std::size_t count, std::size_t dims, int k);

}  // namespace stratum
