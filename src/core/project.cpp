#include "project.h"

#include <Eigen/Dense>
#include <cmath>

#include "error.h"

namespace stratum {

Projection fit_pca(const float* latents, std::size_t count, std::size_t dims) {
    if (dims == 0) throw Error("PCA: latents have no dimensions");
    if (count < 2) throw Error("PCA needs at least 2 latents, got " + std::to_string(count));
    const Eigen::Index n = static_cast<Eigen::Index>(count), d = static_cast<Eigen::Index>(dims);
    Eigen::MatrixXd x(n, d);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < d; ++j) {
            const double v = latents[i * d + j];
            if (!std::isfinite(v)) throw Error("PCA: latent " + std::to_string(i) + " is not finite");
            x(i, j) = v;
        }
    const Eigen::RowVectorXd mean = x.colwise().mean();
    x.rowwise() -= mean;
    const Eigen::MatrixXd cov = (x.transpose() * x) / static_cast<double>(n - 1);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
    if (solver.info() != Eigen::Success) throw Error("PCA: eigen decomposition failed");

    Projection p;
    p.dims = dims;
    p.mean.assign(mean.data(), mean.data() + d);
    p.total_variance = cov.trace();
    // Eigenvalues come ascending; the principal axes are the last columns.
    for (int a = 0; a < 2; ++a) {
        const Eigen::Index col = d - 1 - a;
        p.axes[a].assign(dims, 0.0);
        if (col < 0) continue;  // a 1-D latent has only one axis; the second stays zero
        Eigen::VectorXd v = solver.eigenvectors().col(col);
        Eigen::Index arg = 0;
        v.cwiseAbs().maxCoeff(&arg);
        if (v(arg) < 0) v = -v;
        p.axes[a].assign(v.data(), v.data() + d);
        p.explained_variance[a] = std::max(0.0, solver.eigenvalues()(col));
    }
    return p;
}

void project(const Projection& p, const float* latent, double out[2]) {
    for (int a = 0; a < 2; ++a) {
        double s = 0.0;
        for (std::size_t j = 0; j < p.dims; ++j) s += (static_cast<double>(latent[j]) - p.mean[j]) * p.axes[a][j];
        out[a] = s;
    }
}

}  // namespace stratum
