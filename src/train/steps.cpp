#include "steps.h"

#include "distributed.h"
#include "error.h"

namespace stratum::train {

torch::Device pick_device(const std::string& wanted) {
    if (wanted == "cuda" && !torch::cuda::is_available()) throw Error("--device cuda: no CUDA device is available");
    if (wanted == "cuda" || (wanted == "auto" && torch::cuda::is_available())) return torch::Device(torch::kCUDA);
    return torch::Device(torch::kCPU);
}

Models::Models(const NetConfig& net, double rotation_weight_) : g(net), g_ema(net), d(net), e(net) {
    copy_weights(*g_ema, *g);
    set_trainable(*g_ema, false);
    if (rotation_weight_ > 0) {
        rotation = EqualizedLinear(net.width_at(4) * 16, 4, 1.0);
        rotation_weight = rotation_weight_;
    }
}

std::vector<torch::nn::Module*> scoring_modules(Models& m) { return {m.e.get(), m.g_ema.get(), m.d.get()}; }

void set_scoring_mode(Models& m) {
    m.d->trunk->mbstd_group = 1;
    for (torch::nn::Module* module : scoring_modules(m)) module->eval();
}

void ready_for_scoring(Models& m, const torch::Device& device) {
    for (torch::nn::Module* module : scoring_modules(m)) {
        module->to(device);
        for (torch::Tensor& p : module->parameters())
            if (!p.is_contiguous()) p.set_data(p.data().contiguous());
    }
    set_scoring_mode(m);
}

void Models::to(const torch::Device& device) {
    std::vector<torch::nn::Module*> modules = {g.get(), g_ema.get(), d.get(), e.get()};
    if (rotation) modules.push_back(rotation.get());
    for (torch::nn::Module* m : modules) {
        m->to(device);
        // On the CPU, oneDNN's convolutions run 10-15 % faster on channels-last (NHWC) weights and
        // activations for narrow nets (the small preset, 64 channels), and 40 % slower for the paper
        // preset's 512 channels (bench/run.sh, docs/PERFORMANCE.md). Values are the same either way.
        if (device.is_cpu() && g->net.fmap_max <= 64)
            for (torch::Tensor& p : m->parameters())
                if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
    }
}

Optimizers::Optimizers(Models& m, double lr) {
    auto options = [lr]() { return torch::optim::AdamOptions(lr).betas({0.0, 0.99}).eps(1e-8); };
    g = std::make_unique<torch::optim::Adam>(m.g->parameters(), options());
    d = std::make_unique<torch::optim::Adam>(m.d->parameters(), options());
    e = std::make_unique<torch::optim::Adam>(m.e->parameters(), options());
    if (m.rotation) rotation = std::make_unique<torch::optim::Adam>(m.rotation->parameters(), options());
}

torch::Tensor sample_z(std::int64_t n, int latent, const torch::Device& device) {
    return 0.1 * torch::randn({n, latent}, torch::TensorOptions().device(device));
}

torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& u) {
    torch::Tensor x_hat = (real + u.view({-1, 1, 1, 1}) * (fake - real)).detach().requires_grad_(true);
    const torch::Tensor score = critic(x_hat);
    const torch::Tensor grad =
        torch::autograd::grad({score.sum()}, {x_hat}, /*grad_outputs=*/{}, /*retain_graph=*/true, /*create_graph=*/true)[0];
    return (grad.flatten(1).norm(2, 1) - 1.0).pow(2);
}

void set_trainable(torch::nn::Module& module, bool trainable) {
    for (torch::Tensor& p : module.parameters()) p.requires_grad_(trainable);
}

void update_ema(Generator& ema, const Generator& g, double beta) {
    torch::NoGradGuard no_grad;
    auto target = ema->named_parameters(true);
    for (const auto& item : g->named_parameters(true)) target[item.key()].lerp_(item.value(), 1.0 - beta);
}

torch::Tensor DataParallel::rows(std::int64_t n, int group) const { return shard_rows(n, group, world_size, rank); }

torch::Tensor DataParallel::mine(const torch::Tensor& full, int group) const {
    if (world_size == 1) return full;
    return full.index_select(0, rows(full.size(0), group).to(full.device()));
}

void DataParallel::average_gradients(const std::vector<torch::nn::Module*>& modules) const {
    if (!average) return;
    // Parameters without a gradient (frozen, or a layer this phase does not use) are the same on
    // every rank: the ranks run the same graph.
    std::vector<torch::Tensor> gradients;
    for (torch::nn::Module* module : modules)
        if (module)
            for (const torch::Tensor& p : module->parameters())
                if (p.requires_grad() && p.grad().defined()) gradients.push_back(p.mutable_grad());
    average(gradients);
}

std::pair<torch::Tensor, torch::Tensor> rotate_quarters(const torch::Tensor& x, const torch::Tensor& rows) {
    const std::int64_t n = x.size(0);
    const torch::Tensor index = rows.defined() ? rows.to(torch::kCPU, torch::kLong) : torch::arange(n, torch::kLong);
    const auto turn = index.accessor<std::int64_t, 1>();
    const torch::Tensor labels = index.remainder(4).to(x.device());
    std::vector<torch::Tensor> turned;
    for (std::int64_t i = 0; i < n; ++i) turned.push_back(torch::rot90(x.slice(0, i, i + 1), turn[i] % 4, {2, 3}));
    return {torch::cat(turned), labels};
}

namespace {
// `rows`: the images' rows in the global batch (their turns), or undefined for 0 .. N - 1.
torch::Tensor rotation_cross_entropy(Models& m, const torch::Tensor& x, int stage, double alpha, const torch::Tensor& rows) {
    const auto [turned, labels] = rotate_quarters(x, rows);
    return torch::nn::functional::cross_entropy(m.rotation(m.d->features(turned, stage, alpha)), labels);
}
}  // namespace

torch::Tensor rotation_loss_per_image(Models& m, const torch::Tensor& x, int stage, double alpha) {
    if (!m.rotation) throw Error("the run has no rotation head (trained without --rotation-loss)");
    torch::Tensor total = torch::zeros({x.size(0)}, x.options());
    for (std::int64_t k = 0; k < 4; ++k) {
        const torch::Tensor logits = m.rotation(m.d->features(torch::rot90(x, k, {2, 3}), stage, alpha));
        const torch::Tensor labels = torch::full({x.size(0)}, k, torch::TensorOptions().dtype(torch::kLong).device(x.device()));
        total = total + torch::nn::functional::cross_entropy(
                            logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    }
    return total / 4.0;
}

void critic_step(Models& m, Optimizers& o, const torch::Tensor& real, int stage, double alpha, double ema_beta,
                 Losses& losses, const DataParallel& parallel) {
    set_trainable(*m.d, true);
    const int group = m.d->trunk->mbstd_group;
    const std::int64_t n = real.size(0) * parallel.world_size;  // the global batch: every draw is made for all of it
    torch::Tensor fake;
    {
        torch::NoGradGuard no_grad;
        fake = m.g(parallel.mine(sample_z(n, m.g->net.latent, real.device()), group), stage, alpha);
    }
    const torch::Tensor d_real = m.d(real, stage, alpha).view({-1});
    const torch::Tensor d_fake = m.d(fake, stage, alpha).view({-1});
    const torch::Tensor u = parallel.mine(torch::rand({n}, real.options()), group);
    const torch::Tensor gp = gradient_penalty([&](const torch::Tensor& x) { return m.d(x, stage, alpha); }, real, fake, u);
    torch::Tensor loss = (d_fake - d_real + 10.0 * gp + 0.001 * d_real.pow(2)).mean();
    const torch::Tensor rows = parallel.world_size > 1 ? parallel.rows(n, group) : torch::Tensor();
    if (m.rotation) loss = loss + m.rotation_weight * rotation_cross_entropy(m, real, stage, alpha, rows);
    o.d->zero_grad();
    if (o.rotation) o.rotation->zero_grad();
    loss.backward();
    // Each rank's loss is the mean over its rows, and every rank has as many: the mean of the ranks'
    // gradients is the gradient of the mean over the global batch.
    parallel.average_gradients({m.d.get(), m.rotation ? m.rotation.get() : nullptr});
    o.d->step();
    if (o.rotation) o.rotation->step();
    update_ema(m.g_ema, m.g, ema_beta);
    losses.d = loss.item<double>();
    losses.gp = gp.mean().item<double>();
}

void generator_step(Models& m, Optimizers& o, std::int64_t batch, int stage, double alpha, Losses& losses,
                    const DataParallel& parallel) {
    set_trainable(*m.d, false);  // gradients flow through D to G, D's weights stay
    if (m.rotation) set_trainable(*m.rotation, false);
    const int group = m.d->trunk->mbstd_group;
    const torch::Device device = m.g->dense->weight.device();
    const torch::Tensor fake = m.g(parallel.mine(sample_z(batch, m.g->net.latent, device), group), stage, alpha);
    torch::Tensor loss = -m.d(fake, stage, alpha).mean();
    const torch::Tensor rows = parallel.world_size > 1 ? parallel.rows(batch, group) : torch::Tensor();
    if (m.rotation) loss = loss + 0.2 * m.rotation_weight * rotation_cross_entropy(m, fake, stage, alpha, rows);
    o.g->zero_grad();
    loss.backward();
    parallel.average_gradients({m.g.get()});
    o.g->step();
    set_trainable(*m.d, true);
    if (m.rotation) set_trainable(*m.rotation, true);
    losses.g = loss.item<double>();
}

void encoder_step(Models& m, Optimizers& o, std::int64_t batch, int stage, double alpha, Losses& losses,
                  const DataParallel& parallel) {
    const torch::Device device = m.g->dense->weight.device();
    torch::Tensor x_f;
    {
        torch::NoGradGuard no_grad;
        x_f = m.g(parallel.mine(sample_z(batch, m.g->net.latent, device), m.d->trunk->mbstd_group), stage, alpha);
    }
    set_trainable(*m.g, false);  // gradients flow through G to E, G's weights stay
    const torch::Tensor loss = (x_f - m.g(m.e(x_f, stage, alpha), stage, alpha)).abs().mean();
    o.e->zero_grad();
    loss.backward();
    parallel.average_gradients({m.e.get()});
    o.e->step();
    set_trainable(*m.g, true);
    losses.e = loss.item<double>();
}

void real_encoder_step(Models& m, Optimizers& o, const torch::Tensor& real, int stage, double feature_weight,
                       Losses& losses, const DataParallel& parallel) {
    set_trainable(*m.g_ema, false);
    set_trainable(*m.d, false);
    const int group = m.d->trunk->mbstd_group;
    m.d->trunk->mbstd_group = 1;
    const torch::Tensor xr = m.g_ema(m.e(real, stage, 1.0), stage, 1.0);
    torch::Tensor f_real;
    {
        torch::NoGradGuard no_grad;
        f_real = m.d->features(real, stage, 1.0);
    }
    const torch::Tensor f_rec = m.d->features(xr, stage, 1.0);
    const torch::Tensor loss = (real - xr).pow(2).mean() + feature_weight * (f_real - f_rec).pow(2).mean();
    o.e->zero_grad();
    loss.backward();
    parallel.average_gradients({m.e.get()});
    o.e->step();
    m.d->trunk->mbstd_group = group;
    set_trainable(*m.d, true);
    losses.d = losses.gp = losses.g = 0;
    losses.e = loss.item<double>();
}

torch::Tensor augment_dihedral(const torch::Tensor& x) {
    const std::int64_t n = x.size(0);
    const auto opts = torch::TensorOptions().dtype(torch::kBool).device(x.device());
    auto pick = [&](const torch::Tensor& a, const torch::Tensor& b) {
        return torch::where(torch::rand({n, 1, 1, 1}, x.device()).lt(0.5).to(opts), a, b);
    };
    torch::Tensor y = pick(x.flip({3}), x);       // left-right
    y = pick(y.transpose(2, 3), y);               // with the flips below: any multiple of 90 degrees
    y = pick(y.flip({2, 3}), y);                  // 180 degrees
    return y.contiguous();
}

void train_iteration(Models& m, Optimizers& o, const torch::Tensor& real, int stage, double alpha, double ema_beta,
                     Losses& losses, const DataParallel& parallel) {
    const std::int64_t batch = real.size(0) * parallel.world_size;
    critic_step(m, o, real, stage, alpha, ema_beta, losses, parallel);
    generator_step(m, o, batch, stage, alpha, losses, parallel);
    encoder_step(m, o, batch, stage, alpha, losses, parallel);
}

torch::Tensor prepare_reals(const torch::Tensor& images, int final_stage, int stage, double alpha) {
    // The layout follows the weights' (Models::to): a convolution works in its weights' format.
    torch::Tensor x = images.to(torch::kFloat32);
    for (int s = final_stage; s > stage; --s) x = downsample2(x);
    if (stage > 1 && alpha < 1.0) {
        const torch::Tensor low = upsample2(downsample2(x));
        x = low + (x - low) * alpha;
    }
    return x;
}

}  // namespace stratum::train
