#include "gaussian.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.h"

namespace stratum {

double mahalanobis_distance(const GaussianModel& model, const float* features) {
    const std::size_t d = model.dims();
    if (model.precision.size() != d * d)
        throw Error("the Gaussian's precision has " + std::to_string(model.precision.size()) + " values, not " +
                    std::to_string(d) + " x " + std::to_string(d));
    std::vector<double> x(d);
    for (std::size_t j = 0; j < d; ++j) {
        if (!std::isfinite(features[j])) throw Error("a feature of the Gaussian score is not finite (NaN or infinity)");
        x[j] = static_cast<double>(features[j]) - model.mean[j];
    }
    double q = 0;
    for (std::size_t i = 0; i < d; ++i) {
        const double* row = model.precision.data() + i * d;
        double r = 0;
        for (std::size_t j = 0; j < d; ++j) r += row[j] * x[j];
        q += x[i] * r;
    }
    return q > 0 ? std::sqrt(q) : 0.0;
}

bool is_positive_definite(const std::vector<double>& matrix, std::size_t d) {
    if (matrix.size() != d * d || d == 0) return false;
    double largest = 0;
    for (std::size_t i = 0; i < d; ++i) largest = std::max(largest, matrix[i * d + i]);
    std::vector<double> l(d * d, 0.0);  // lower-triangular factor, row-major
    for (std::size_t j = 0; j < d; ++j) {
        double pivot = matrix[j * d + j];
        for (std::size_t k = 0; k < j; ++k) pivot -= l[j * d + k] * l[j * d + k];
        if (!(pivot > 1e-300) || !(pivot >= 1e-14 * largest)) return false;
        const double root = std::sqrt(pivot);
        l[j * d + j] = root;
        for (std::size_t i = j + 1; i < d; ++i) {
            double v = matrix[i * d + j];
            for (std::size_t k = 0; k < j; ++k) v -= l[i * d + k] * l[j * d + k];
            l[i * d + j] = v / root;
        }
    }
    return true;
}

}  // namespace stratum
