// Distance of an image's feature vector to a Gaussian fitted on the training images' features: the
// Mahalanobis distance sqrt((f - mean)^T P (f - mean)), with P the inverse of the (shrunk) training
// covariance. The trainer fits the Gaussian (score_heads.h, Ledoit-Wolf shrinkage); the model card
// carries the mean and P; the core computes the distance for the CLI and the page alike.
#pragma once
#include <cstddef>
#include <vector>

namespace stratum {

// The largest Gaussian a card may carry: D x D precision values, checked at parse time (a Cholesky
// factorisation, D^3 / 3 multiply-adds).
constexpr std::size_t kMaxGaussianDims = 1024;

struct GaussianModel {
    std::vector<double> mean;       // D
    std::vector<double> precision;  // D x D, row-major, symmetric positive definite
    std::size_t dims() const { return mean.size(); }
};

// sqrt((f - mean)^T P (f - mean)) for `features` (D values), accumulated in double; 0 where rounding
// makes the quadratic form negative. Throws stratum::Error when a feature is not finite or the model's
// precision is not D x D.
double mahalanobis_distance(const GaussianModel& model, const float* features);

// Whether the D x D row-major symmetric matrix is positive definite (a Cholesky factorisation in
// double succeeds with every pivot above 1e-300 and at least 1e-14 of the largest diagonal value).
bool is_positive_definite(const std::vector<double>& matrix, std::size_t dims);

}  // namespace stratum
