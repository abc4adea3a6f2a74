#include "gaussian.h"

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

}  // namespace stratum
