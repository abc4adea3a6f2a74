// The networks and the training step (arXiv 1905.11034, as README spells it out), on small nets: seconds each.
// torch (through glog) defines a CHECK macro of its own that aborts instead of reporting: include
// torch first, drop its CHECK, then let Catch2 define the one these tests mean.
#include "checkpoint.h"
#include "score_heads.h"
#include "scoring_session.h"
#include "steps.h"
#undef CHECK

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

#include "error.h"
#include "run_files.h"

using namespace stratum::train;
using stratum::GaussianModel;
using stratum::is_positive_definite;

namespace {

NetConfig tiny_net() {
    NetConfig n;
    n.resolution = 16;
    n.channels = 3;
    n.fmap_base = 32;
    n.fmap_max = 8;
    n.latent = 6;
    return n;
}

std::vector<torch::Tensor> snapshot(torch::nn::Module& m) {
    std::vector<torch::Tensor> copies;
    for (const torch::Tensor& p : m.parameters()) copies.push_back(p.detach().clone());
    return copies;
}

bool identical(torch::nn::Module& m, const std::vector<torch::Tensor>& before) {
    const auto now = m.parameters();
    for (std::size_t i = 0; i < now.size(); ++i)
        if (!torch::equal(now[i], before[i])) return false;
    return true;
}

}  // namespace

TEST_CASE("equalized learning rate scales by gain / sqrt(fan_in) at run time", "[networks]") {
    torch::manual_seed(1);
    EqualizedLinear linear(5, 3, std::sqrt(2.0));
    CHECK(linear->scale == Approx(std::sqrt(2.0) / std::sqrt(5.0)));
    const torch::Tensor x = torch::randn({4, 5});
    const torch::Tensor expected = torch::matmul(x, (linear->weight * linear->scale).t()) + linear->bias;
    CHECK(torch::allclose(linear(x), expected, 1e-6, 1e-6));
    // Weights are drawn N(0, 1): their spread does not depend on fan-in (the scale does that job).
    EqualizedLinear wide(4096, 64, 1.0);
    CHECK(wide->weight.std().item<double>() == Approx(1.0).epsilon(0.02));
    EqualizedConv2d conv(4, 2, 3, 1.0);
    CHECK(conv->scale == Approx(1.0 / std::sqrt(4.0 * 9)));
    const torch::Tensor image = torch::randn({1, 4, 5, 5});
    namespace F = torch::nn::functional;
    const torch::Tensor reference =
        F::conv2d(image, conv->weight * conv->scale, F::Conv2dFuncOptions().bias(conv->bias).padding(1));
    CHECK(torch::allclose(conv(image), reference));
}

TEST_CASE("the FLOP counter counts 2 per multiply-add of each layer, per image", "[networks]") {
    EqualizedConv2d conv(2, 3, 3, 1.0);  // 2 in x 9 taps per output value; 3 x 4 x 4 outputs per image
    EqualizedLinear linear(5, 7, 1.0);   // 5 per output value; 7 outputs per row
    std::int64_t outer_total = 0;
    {
        FlopCounter outer;
        {
            FlopCounter inner;  // the innermost counter takes the count
            conv(torch::zeros({1, 2, 4, 4}));
            CHECK(inner.flops() == 2 * 2 * 9 * 3 * 16);
        }
        conv(torch::zeros({2, 2, 4, 4}));  // two images: twice the work
        linear(torch::zeros({3, 5}));
        outer_total = outer.flops();
    }
    CHECK(outer_total == 2 * (2 * 2 * 9 * 3 * 16) + 2 * 5 * 7 * 3);
    conv(torch::zeros({1, 2, 4, 4}));  // no counter alive: nothing is counted, nothing breaks
}

TEST_CASE("output shapes at every resolution", "[networks]") {
    torch::manual_seed(2);
    const NetConfig net = tiny_net();
    Models m(net);
    for (int stage = 1; stage <= net.stages(); ++stage) {
        const int res = 4 << (stage - 1);
        INFO("resolution " << res);
        const torch::Tensor z = sample_z(4, net.latent, torch::kCPU);
        const torch::Tensor x = m.g(z, stage, 0.5);
        CHECK(x.sizes() == torch::IntArrayRef({4, 3, res, res}));
        CHECK(m.d(x, stage, 0.5).sizes() == torch::IntArrayRef({4, 1}));
        CHECK(m.e(x, stage, 0.5).sizes() == torch::IntArrayRef({4, net.latent}));
        CHECK(m.d->features(x, stage, 1.0).sizes() == torch::IntArrayRef({4, net.width_at(4) * 16}));
    }
}

TEST_CASE("fade-in: alpha 0 is the lower resolution path, alpha 1 the higher one", "[networks]") {
    torch::manual_seed(3);
    torch::NoGradGuard no_grad;
    const NetConfig net = tiny_net();
    Models m(net);
    const int top = net.stages();
    const torch::Tensor z = sample_z(4, net.latent, torch::kCPU);
    // G: alpha 0 equals the previous resolution's output, upsampled.
    CHECK(torch::allclose(m.g(z, top, 0.0), upsample2(m.g(z, top - 1, 1.0)), 1e-6, 1e-6));
    // G: alpha 1 does not depend on the previous resolution's to-RGB layer at all.
    const torch::Tensor high = m.g(z, top, 1.0);
    m.g->to_rgb[top - 2]->weight.add_(1.0);
    CHECK(torch::equal(m.g(z, top, 1.0), high));
    CHECK_FALSE(torch::allclose(m.g(z, top, 0.0), upsample2(m.g(z, top - 1, 1.0)) + 1e3));

    // D and E: alpha 0 equals the previous resolution applied to the downsampled image.
    const torch::Tensor x = torch::randn({4, 3, net.resolution, net.resolution});
    CHECK(torch::allclose(m.d(x, top, 0.0), m.d(downsample2(x), top - 1, 1.0), 1e-5, 1e-5));
    CHECK(torch::allclose(m.e(x, top, 0.0), m.e(downsample2(x), top - 1, 1.0), 1e-5, 1e-5));
    const torch::Tensor d_high = m.d(x, top, 1.0);
    m.d->trunk->from_rgb[top - 2]->weight.add_(1.0);
    CHECK(torch::equal(m.d(x, top, 1.0), d_high));
    // In between, the blend is linear in alpha.
    const torch::Tensor a = m.g(z, top, 0.0), b = m.g(z, top, 1.0);
    CHECK(torch::allclose(m.g(z, top, 0.25), a + 0.25 * (b - a), 1e-5, 1e-5));
}

TEST_CASE("gradient penalty on critics whose gradient is known", "[networks]") {
    const torch::Tensor real = torch::randn({3, 1, 2, 2}), fake = torch::randn({3, 1, 2, 2});
    const torch::Tensor u = torch::tensor({0.0f, 0.5f, 1.0f});
    // Linear critic: gradient w everywhere, ||w|| = 3, so the penalty is (3 - 1)^2 = 4 for every sample.
    const torch::Tensor w = torch::tensor({1.0f, 2.0f, 2.0f, 0.0f}).view({1, 1, 2, 2});
    const torch::Tensor gp = gradient_penalty([&](const torch::Tensor& x) { return (x * w).sum({1, 2, 3}); }, real, fake, u);
    CHECK(torch::allclose(gp, torch::full({3}, 4.0f)));
    // Quadratic critic 0.5 ||x||^2: gradient x_hat itself, at x_hat = real + u (fake - real).
    const torch::Tensor gq = gradient_penalty([](const torch::Tensor& x) { return 0.5 * x.pow(2).sum({1, 2, 3}); }, real,
                                              fake, u);
    for (int i = 0; i < 3; ++i) {
        const torch::Tensor x_hat = real[i] + u[i] * (fake[i] - real[i]);
        const double expected = std::pow(x_hat.norm().item<double>() - 1.0, 2);
        CHECK(gq[i].item<double>() == Approx(expected).epsilon(1e-5));
    }
    // The penalty is differentiable (create_graph), as WGAN-GP needs.
    const torch::Tensor p = torch::ones({1, 1, 2, 2}, torch::requires_grad());
    gradient_penalty([&](const torch::Tensor& x) { return (x * p).pow(2).sum({1, 2, 3}); }, real, fake, u).sum().backward();
    CHECK(p.grad().defined());
    CHECK(p.grad().abs().sum().item<double>() > 0);
}

TEST_CASE("each step moves only its own network", "[networks]") {
    torch::manual_seed(4);
    const NetConfig net = tiny_net();
    Models m(net);
    Optimizers o(m, 0.001);
    Losses l;
    const torch::Tensor real = torch::rand({8, 3, 16, 16}) * 2 - 1;
    const int top = net.stages();

    auto g0 = snapshot(*m.g), d0 = snapshot(*m.d), e0 = snapshot(*m.e), ema0 = snapshot(*m.g_ema);
    encoder_step(m, o, 8, top, 1.0, l);
    CHECK(identical(*m.g, g0));
    CHECK(identical(*m.d, d0));
    CHECK_FALSE(identical(*m.e, e0));
    CHECK(std::isfinite(l.e));

    e0 = snapshot(*m.e);
    generator_step(m, o, 8, top, 1.0, l);
    CHECK(identical(*m.e, e0));
    CHECK(identical(*m.d, d0));
    CHECK_FALSE(identical(*m.g, g0));

    g0 = snapshot(*m.g);
    critic_step(m, o, real, top, 1.0, 0.999, l);
    CHECK(identical(*m.g, g0));
    CHECK(identical(*m.e, e0));
    CHECK_FALSE(identical(*m.d, d0));
    CHECK_FALSE(identical(*m.g_ema, ema0));  // the EMA copy follows G after the critic step
    CHECK(std::isfinite(l.d));
    CHECK(l.gp >= 0);
}

TEST_CASE("the encoder step on real images (f-AnoGAN izi_f) moves E alone and lowers its loss", "[networks]") {
    torch::manual_seed(7);
    const NetConfig net = tiny_net();
    Models m(net);
    Optimizers o(m, 0.001);
    Losses l;
    const torch::Tensor real = torch::rand({8, 3, 16, 16}) * 2 - 1;
    const int top = net.stages();
    const auto g0 = snapshot(*m.g), d0 = snapshot(*m.d), ema0 = snapshot(*m.g_ema), e0 = snapshot(*m.e);
    // The loss as the step defines it, computed here by hand before the first update.
    double expected = 0;
    {
        torch::NoGradGuard no_grad;
        m.d->trunk->mbstd_group = 1;
        const torch::Tensor xr = m.g_ema(m.e(real, top, 1.0), top, 1.0);
        expected = ((real - xr).pow(2).mean() + 0.5 * (m.d->features(real, top, 1.0) - m.d->features(xr, top, 1.0)).pow(2).mean())
                       .item<double>();
        m.d->trunk->mbstd_group = 4;
    }
    real_encoder_step(m, o, real, top, 0.5, l);
    CHECK(l.e == Approx(expected).epsilon(1e-5));
    CHECK(m.d->trunk->mbstd_group == 4);  // the critic's training setting is restored
    for (const torch::Tensor& p : m.d->parameters()) CHECK(p.requires_grad());  // and its weights train again
    CHECK(identical(*m.g, g0));
    CHECK(identical(*m.d, d0));
    CHECK(identical(*m.g_ema, ema0));
    CHECK_FALSE(identical(*m.e, e0));
    for (int i = 0; i < 30; ++i) real_encoder_step(m, o, real, top, 0.5, l);
    CHECK(l.e < expected);  // 30 steps on one batch fit it better
}

TEST_CASE("dihedral augmentation gives each image one of the 8 symmetries of the square", "[networks]") {
    torch::manual_seed(8);
    const torch::Tensor x = (torch::rand({128, 3, 5, 5}) * 255).to(torch::kUInt8);
    const torch::Tensor y = augment_dihedral(x);
    REQUIRE(y.sizes() == x.sizes());
    std::set<int> seen;
    for (int i = 0; i < 128; ++i) {
        const torch::Tensor a = x[i];
        const std::vector<torch::Tensor> symmetries = {a, a.rot90(1, {1, 2}), a.rot90(2, {1, 2}), a.rot90(3, {1, 2}),
                                                       a.flip({2}), a.flip({2}).rot90(1, {1, 2}), a.flip({2}).rot90(2, {1, 2}),
                                                       a.flip({2}).rot90(3, {1, 2})};
        int which = -1;
        for (int k = 0; k < 8; ++k)
            if (torch::equal(y[i], symmetries[static_cast<std::size_t>(k)])) which = k;
        CHECK(which >= 0);
        seen.insert(which);
    }
    CHECK(seen.size() == 8);  // 128 draws: every symmetry turns up (a miss has probability below 1e-6)
}

TEST_CASE("rotate_quarters turns image i by (i mod 4) quarter turns and labels it so", "[networks]") {
    // A 2x2 image with four distinct pixels: each quarter turn counter-clockwise moves them one place.
    const torch::Tensor one = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 2, 2});  // [[1, 2], [3, 4]]
    const auto [turned, labels] = rotate_quarters(one.repeat({6, 1, 1, 1}));
    const std::vector<std::vector<float>> expected = {{1, 2, 3, 4}, {2, 4, 1, 3}, {4, 3, 2, 1}, {3, 1, 4, 2}};
    REQUIRE(turned.sizes() == torch::IntArrayRef({6, 1, 2, 2}));
    for (int i = 0; i < 6; ++i) {
        INFO("image " << i);
        CHECK(labels[i].item<std::int64_t>() == i % 4);
        const torch::Tensor want = torch::tensor(expected[static_cast<std::size_t>(i % 4)]).view({1, 2, 2});
        CHECK(torch::equal(turned[i], want));
    }
}

TEST_CASE("the rotation loss (SS-GAN) trains the head with the critic and leaves runs without it unchanged", "[networks]") {
    const NetConfig net = tiny_net();
    const int top = net.stages();
    torch::manual_seed(11);
    Models plain(net);
    torch::manual_seed(11);
    Models with(net, 1.0);
    REQUIRE(with.rotation);
    CHECK_FALSE(plain.rotation);
    CHECK(identical(*with.d, snapshot(*plain.d)));  // the head is made last: the networks' start is the seed's
    CHECK(identical(*with.g, snapshot(*plain.g)));
    CHECK_THROWS_WITH(rotation_loss_per_image(plain, torch::zeros({1, 3, 16, 16}), top, 1.0), Catch::Contains("--rotation-loss"));

    Optimizers o(with, 0.001);
    Losses l;
    torch::manual_seed(12);
    const torch::Tensor real = torch::rand({8, 3, 16, 16}) * 2 - 1;
    // The per-image score by hand: the mean over the four turns of -log softmax(logits)[turn].
    with.d->trunk->mbstd_group = 1;
    const torch::Tensor score = rotation_loss_per_image(with, real, top, 1.0).detach();
    REQUIRE(score.sizes() == torch::IntArrayRef({8}));
    for (int i = 0; i < 8; i += 7) {
        double sum = 0;
        for (int k = 0; k < 4; ++k) {
            const torch::Tensor logits = with.rotation(with.d->features(real.slice(0, i, i + 1).rot90(k, {2, 3}), top, 1.0))[0];
            sum += (logits.exp().sum().log() - logits[k]).item<double>();
        }
        CHECK(score[i].item<double>() == Approx(sum / 4).epsilon(1e-5));
    }
    with.d->trunk->mbstd_group = 4;

    // The critic step moves the head, the generator step does not (G's term reads it, frozen).
    auto head0 = snapshot(*with.rotation), d0 = snapshot(*with.d);
    critic_step(with, o, real, top, 1.0, 0.999, l);
    CHECK_FALSE(identical(*with.rotation, head0));
    CHECK_FALSE(identical(*with.d, d0));
    head0 = snapshot(*with.rotation);
    d0 = snapshot(*with.d);
    generator_step(with, o, 8, top, 1.0, l);
    CHECK(identical(*with.rotation, head0));
    CHECK(identical(*with.d, d0));
    for (const torch::Tensor& p : with.rotation->parameters()) CHECK(p.requires_grad());  // trainable again

    // Images with an orientation (brightness rising down the rows, plus noise), shuffled each step so that
    // every image meets every turn: the head learns the turns and the images' score falls.
    const torch::Tensor ramp = torch::linspace(-1, 1, 16).view({1, 1, 16, 1}).expand({8, 3, 16, 16});
    const torch::Tensor oriented = ramp + 0.1 * torch::randn({8, 3, 16, 16});
    with.d->trunk->mbstd_group = 1;
    const double before = rotation_loss_per_image(with, oriented, top, 1.0).mean().item<double>();
    with.d->trunk->mbstd_group = 4;
    for (int i = 0; i < 120; ++i) critic_step(with, o, oriented.index_select(0, torch::randperm(8)), top, 1.0, 0.999, l);
    with.d->trunk->mbstd_group = 1;
    CHECK(rotation_loss_per_image(with, oriented, top, 1.0).mean().item<double>() < 0.5 * before);
}

TEST_CASE("extra_output_widths says how many values each graph output gives", "[networks]") {
    torch::NoGradGuard no_grad;
    for (int res : {4, 8, 16, 32}) {
        NetConfig net = tiny_net();
        net.resolution = res;
        INFO("resolution " << res);
        torch::manual_seed(9);
        Models m(net);
        ScoringSession session(m, torch::kCPU);
        const torch::Tensor x = torch::rand({3, 3, res, res}) * 2 - 1;
        const int stage = net.stages();
        const std::vector<std::int64_t> widths = extra_output_widths(net);
        REQUIRE(widths.size() == extra_score_infos().size());
        CHECK(widths[extra_score_index("feature")] == 1);
        CHECK(widths[extra_score_index("colour")] == colour_features(m.d, x, stage).size(1));
        CHECK(widths[extra_score_index("encoder_gaussian")] == encoder_features(m.e, x, stage).size(1));
        const torch::Tensor all = session.run(x, true).extras;
        CHECK(all.size(1) == std::accumulate(widths.begin(), widths.end(), std::int64_t{0}));
        CHECK(torch::allclose(extra_output(all, net, extra_score_index("encoder_gaussian")),
                              encoder_features(m.e, x, stage).to(torch::kFloat64), 1e-6, 1e-6));
    }
    CHECK_THROWS_WITH(extra_score_index("brightness"), Catch::Contains("no extra score is called \"brightness\""));
}

TEST_CASE("ScoringSession: the graph's layout, and an image's scores do not depend on its batch", "[networks]") {
    torch::manual_seed(11);
    const NetConfig net = tiny_net();
    Models m(net);
    m.to(torch::kCPU);  // the trainer's layout: channels-last on the CPU for narrow nets
    ScoringSession session(m, torch::kCPU);
    for (torch::nn::Module* module : scoring_modules(m))
        for (const torch::Tensor& p : module->parameters()) CHECK(p.is_contiguous());
    CHECK(m.d->trunk->mbstd_group == 1);
    CHECK_FALSE(m.e->is_training());
    const std::int64_t n = 5;
    const torch::Tensor x = torch::rand({n, net.channels, net.resolution, net.resolution}) * 2 - 1;
    const ScoringPass whole = session.run(x, true);
    REQUIRE(whole.z.sizes() == torch::IntArrayRef({n, net.latent}));
    REQUIRE(whole.extras.size(0) == n);
    std::vector<std::int64_t> firsts;
    session.run_all(x.data_ptr<float>(), n, 2, true, [&](std::int64_t first, const ScoringPass& p) {
        firsts.push_back(first);
        const std::int64_t count = p.z.size(0);
        CHECK(torch::allclose(p.z, whole.z.slice(0, first, first + count), 1e-5, 1e-6));
        CHECK(torch::allclose(p.extras, whole.extras.slice(0, first, first + count), 1e-5, 1e-6));
        CHECK(p.reconstructed.defined());
    });
    CHECK(firsts == std::vector<std::int64_t>{0, 2, 4});
    const ScoringPass latents_only = session.run(x, false);
    CHECK_FALSE(latents_only.extras.defined());
    CHECK_THROWS_WITH(session.run(torch::zeros({1, net.channels, 8, 8}), false), Catch::Contains("images must be [N,"));
}

TEST_CASE("fit_gaussian: the inverse covariance where data are plenty, Ledoit-Wolf where they are not", "[networks]") {
    torch::manual_seed(10);
    // 20,000 draws of N(0, diag(4, 1)): next to no shrinkage, precision close to diag(1/4, 1).
    const torch::Tensor plenty = torch::randn({20000, 2}, torch::kFloat64) * torch::tensor({2.0, 1.0}, torch::kFloat64);
    const GaussianModel g = fit_gaussian(plenty);
    REQUIRE(g.dims() == 2);
    CHECK(g.precision[0] == Approx(0.25).epsilon(0.03));
    CHECK(g.precision[3] == Approx(1.0).epsilon(0.03));
    CHECK(std::fabs(g.precision[1]) < 0.02);
    CHECK(g.precision[1] == g.precision[2]);  // exactly symmetric
    CHECK(is_positive_definite(g.precision, 2));
    // 5 draws in 20 dimensions: the sample covariance is singular, the shrunk one is not.
    const GaussianModel few = fit_gaussian(torch::randn({5, 20}, torch::kFloat64));
    CHECK(is_positive_definite(few.precision, 20));
    CHECK_THROWS_WITH(fit_gaussian(torch::ones({10, 3}, torch::kFloat64)), Catch::Contains("do not vary"));
    CHECK_THROWS_WITH(fit_gaussian(torch::ones({1, 3}, torch::kFloat64)), Catch::Contains("at least 2"));
}

TEST_CASE("held-out Gaussian scores measure each row against a fit without it", "[networks]") {
    torch::manual_seed(11);
    torch::Tensor f = torch::randn({50, 3}, torch::kFloat64);
    f[0] = torch::tensor({8.0, -8.0, 8.0}, torch::kFloat64);  // one far outlier
    const std::vector<double> held = gaussian_held_out_scores(f, 5, 1234);
    const std::vector<double> in_sample = gaussian_scores(fit_gaussian(f), f);
    REQUIRE(held.size() == 50);
    // In-sample, the outlier widens the Gaussian it is measured against; held out, it does not.
    CHECK(held[0] > 1.2 * in_sample[0]);
    CHECK(held == gaussian_held_out_scores(f, 5, 1234));    // the folds follow the seed
    CHECK(held != gaussian_held_out_scores(f, 5, 4321));
    CHECK_THROWS_WITH(gaussian_held_out_scores(f.slice(0, 0, 9), 5, 1), Catch::Contains("at least 2 rows per fold"));
}

TEST_CASE("the EMA copy moves (1 - beta) of the way to G", "[networks]") {
    torch::manual_seed(5);
    const NetConfig net = tiny_net();
    Generator g(net), ema(net);
    const torch::Tensor before = ema->dense->weight.detach().clone();
    update_ema(ema, g, 0.9);
    CHECK(torch::allclose(ema->dense->weight, before + 0.1 * (g->dense->weight - before), 1e-6, 1e-6));
}

TEST_CASE("the encoder scores an image the same alone or in a batch", "[networks]") {
    torch::manual_seed(6);
    torch::NoGradGuard no_grad;
    const NetConfig net = tiny_net();
    Encoder e(net);
    const torch::Tensor x = torch::randn({5, 3, 16, 16});
    const torch::Tensor together = e(x, net.stages(), 1.0);
    for (int i = 0; i < 5; ++i) CHECK(torch::allclose(e(x.slice(0, i, i + 1), net.stages(), 1.0), together.slice(0, i, i + 1), 1e-6, 1e-6));
    // The critic has minibatch stddev: its score of an image does depend on the rest of the batch.
    Critic d(net);
    const torch::Tensor alone = d(x.slice(0, 0, 4), net.stages(), 1.0);
    const torch::Tensor other = d(torch::cat({x.slice(0, 0, 1), torch::randn({3, 3, 16, 16}) * 3}), net.stages(), 1.0);
    CHECK_FALSE(torch::allclose(alone[0], other[0]));
}

TEST_CASE("real images are brought to the phase's resolution and blended during fade-in", "[networks]") {
    // load_images has already put the images in the network's units (through the intensity window).
    const torch::Tensor images = torch::rand({2, 3, 16, 16}) * 2 - 1;
    const torch::Tensor full = prepare_reals(images, 3, 3, 1.0);
    CHECK(torch::equal(full, images));
    CHECK(prepare_reals(images, 3, 2, 1.0).sizes() == torch::IntArrayRef({2, 3, 8, 8}));
    CHECK(torch::allclose(prepare_reals(images, 3, 3, 0.0), upsample2(downsample2(full)), 1e-6, 1e-6));
}

TEST_CASE("checkpoints carry their SHA-256; a kill between the renames is completed, a changed byte refused", "[networks]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("stratum-ckpt-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string path = (dir / "checkpoint.pt").string(), sums = (dir / "checkpoint.sha256").string();
    torch::manual_seed(3);
    Models saved(tiny_net());
    Optimizers optimizers(saved, 1e-3);
    save_checkpoint(path, saved, optimizers, {1234, 0});
    const std::string line = read_text_file(sums);
    CHECK(line.size() == 64 + 2 + std::string("checkpoint.pt\n").size());
    CHECK_FALSE(fs::exists(sums + ".next"));
    CHECK_FALSE(fs::exists(path + ".tmp"));

    Models loaded(tiny_net());
    CHECK(load_checkpoint(path, loaded, nullptr, torch::kCPU).images_seen == 1234);
    CHECK(identical(*loaded.e, snapshot(*saved.e)));

    {  // a run with the rotation head keeps it and its optimiser; one without ignores it
        torch::manual_seed(5);
        Models rotating(tiny_net(), 1.0);
        Optimizers rotating_opt(rotating, 1e-3);
        const torch::Tensor real = torch::rand({8, 3, 16, 16}) * 2 - 1;
        Losses l;
        critic_step(rotating, rotating_opt, real, tiny_net().stages(), 1.0, 0.999, l);  // Adam state to keep
        const std::string rpath = (dir / "rotation.pt").string();
        save_checkpoint(rpath, rotating, rotating_opt, {64, 0});
        const auto saved_d = snapshot(*rotating.d);
        Models back(tiny_net(), 1.0);
        Optimizers back_opt(back, 1e-3);
        CHECK(load_checkpoint(rpath, back, &back_opt, torch::kCPU).images_seen == 64);
        CHECK(identical(*back.rotation, snapshot(*rotating.rotation)));
        // The same next step from both: equal heads only if the head's Adam moments came back too.
        torch::manual_seed(6);
        critic_step(rotating, rotating_opt, real, tiny_net().stages(), 1.0, 0.999, l);
        torch::manual_seed(6);
        critic_step(back, back_opt, real, tiny_net().stages(), 1.0, 0.999, l);
        CHECK(identical(*back.rotation, snapshot(*rotating.rotation)));
        Optimizers fresh(back, 1e-3);  // not vacuous: a fresh optimiser's step gives another head
        const auto after = snapshot(*back.rotation);
        torch::manual_seed(7);
        critic_step(back, fresh, real, tiny_net().stages(), 1.0, 0.999, l);
        torch::manual_seed(7);
        critic_step(rotating, rotating_opt, real, tiny_net().stages(), 1.0, 0.999, l);
        CHECK_FALSE(identical(*back.rotation, snapshot(*rotating.rotation)));
        CHECK_FALSE(identical(*back.rotation, after));
        Models without(tiny_net());
        CHECK(load_checkpoint(rpath, without, nullptr, torch::kCPU).images_seen == 64);
        CHECK(identical(*without.d, saved_d));
        Models wanting(tiny_net(), 1.0);  // a head asked of a run that has none: refused, named
        CHECK_THROWS_WITH(load_checkpoint(path, wanting, nullptr, torch::kCPU), Catch::Contains("wrong architecture"));
    }

    // Killed after the checkpoint's rename, before its sum's: the sum waits in .next.
    fs::rename(sums, sums + ".next");
    write_file_atomic(sums, std::string(64, '0') + "  checkpoint.pt\n");
    CHECK(load_checkpoint(path, loaded, nullptr, torch::kCPU).images_seen == 1234);
    CHECK(read_text_file(sums) == line);
    CHECK_FALSE(fs::exists(sums + ".next"));

    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        const auto middle = static_cast<std::streamoff>(fs::file_size(path) / 2);
        char byte = 0;
        f.seekg(middle);
        f.read(&byte, 1);
        byte = static_cast<char>(~byte);  // every bit flipped: always a change
        f.seekp(middle);
        f.write(&byte, 1);
    }
    CHECK_THROWS_WITH(load_checkpoint(path, loaded, nullptr, torch::kCPU), Catch::Contains("is damaged"));
    fs::remove_all(dir);
}
