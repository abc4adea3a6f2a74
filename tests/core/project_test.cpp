#include <catch2/catch.hpp>
#include <cmath>

#include "error.h"
#include "project.h"

using namespace stratum;

TEST_CASE("PCA finds the axes of elongated data", "[project]") {
    // Points along x with spread 10, along y with spread 1, z constant 5, centred at (1, 2, 5).
    std::vector<float> latents;
    const float xs[] = {-10, 10, -10, 10, 0, 0};
    const float ys[] = {-1, -1, 1, 1, 0, 0};
    for (int i = 0; i < 6; ++i) {
        latents.push_back(1 + xs[i]);
        latents.push_back(2 + ys[i]);
        latents.push_back(5);
    }
    const Projection p = fit_pca(latents.data(), 6, 3);
    CHECK(p.mean[0] == Approx(1));
    CHECK(p.mean[1] == Approx(2));
    CHECK(p.mean[2] == Approx(5));
    CHECK(std::fabs(p.axes[0][0]) == Approx(1.0));
    CHECK(p.axes[0][0] > 0);  // sign convention: largest component positive
    CHECK(std::fabs(p.axes[1][1]) == Approx(1.0));
    CHECK(p.explained_variance[0] == Approx(400.0 / 5));
    CHECK(p.explained_variance[1] == Approx(4.0 / 5));
    CHECK(p.total_variance == Approx(404.0 / 5));

    const float point[] = {1 + 3, 2 - 0.5f, 5};
    double xy[2];
    project(p, point, xy);
    CHECK(xy[0] == Approx(3.0));
    CHECK(xy[1] == Approx(-0.5));
}

TEST_CASE("PCA axes are orthonormal and sign-stable", "[project]") {
    std::vector<float> latents;
    for (int i = 0; i < 50; ++i)
        for (int j = 0; j < 8; ++j) latents.push_back(static_cast<float>(std::sin(i * 0.7 + j * 1.3) * (j + 1)));
    const Projection p = fit_pca(latents.data(), 50, 8);
    double d00 = 0, d11 = 0, d01 = 0;
    for (int j = 0; j < 8; ++j) {
        d00 += p.axes[0][j] * p.axes[0][j];
        d11 += p.axes[1][j] * p.axes[1][j];
        d01 += p.axes[0][j] * p.axes[1][j];
    }
    CHECK(d00 == Approx(1.0));
    CHECK(d11 == Approx(1.0));
    CHECK(d01 == Approx(0.0).margin(1e-9));
    CHECK(p.explained_variance[0] >= p.explained_variance[1]);
    // Negating every latent flips the axes' data direction; the sign convention keeps the axes themselves.
    std::vector<float> negated(latents);
    for (float& v : negated) v = -v;
    const Projection q = fit_pca(negated.data(), 50, 8);
    for (int j = 0; j < 8; ++j) CHECK(q.axes[0][j] == Approx(p.axes[0][j]).margin(1e-9));
}

TEST_CASE("PCA refuses too little or non-finite data", "[project]") {
    const float one[] = {1, 2};
    CHECK_THROWS_WITH(fit_pca(one, 1, 2), Catch::Contains("at least 2"));
    const float bad[] = {1, 2, NAN, 4};
    CHECK_THROWS_WITH(fit_pca(bad, 2, 2), Catch::Contains("not finite"));
}
