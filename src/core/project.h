// A 2-D PCA projection of latent codes (Eigen), fitted on training latents and applied to new ones.
#pragma once
#include <cstddef>
#include <vector>

namespace stratum {

struct Projection {
    std::size_t dims = 0;                 // latent size L
    std::vector<double> mean;             // L values
    std::vector<double> axes[2];          // two unit vectors of L values: the first two principal axes
    double explained_variance[2] = {0, 0};  // variance along each axis
    double total_variance = 0;            // trace of the covariance
};

// Fits on `count` latents of `dims` floats each, stored row after row. Needs at least 2 latents.
// Each axis's sign is fixed so that its largest-magnitude component is positive, so every build
// (native, wasm) gives the same picture.
Projection fit_pca(const float* latents, std::size_t count, std::size_t dims);

// Coordinates of one latent on the two axes.
void project(const Projection& projection, const float* latent, double out[2]);

}  // namespace stratum
