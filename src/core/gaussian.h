// Distance of an image's feature vector to a Gaussian fitted on the training images' features: the
// Mahalanobis distance sqrt((f - mean)^T P (f - mean)), with P the inverse of the (shrunk) training
// covariance. The trainer fits the Gaussian (score_heads.h, Ledoit-Wolf shrinkage); the model card
// carries the mean and P; the core computes the distance for the CLI and the page alike.
#pragma once
#include <cstddef>
#include <vector>

namespace stratum {

struct GaussianModel {
    std::vector<double> mean;       // D
    std::vector<double> precision;  // D x D, row-major, symmetric positive definite
    std::size_t dims() const { return mean.size(); }
};

// sqrt((f - mean)^T P (f - mean)) for `features` (D values), accumulated in double; 0 where rounding
// makes the quadratic form negative. Throws stratum::Error when a feature is not finite or the model's
// precision is not D x D.
double mahalanobis_distance(const GaussianModel& model, const float* features);

}  // namespace stratum
