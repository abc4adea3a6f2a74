// One training iteration of arXiv 1905.11034 (README, "Decisions worth knowing", spells it out): critic step (WGAN-GP with drift),
// generator step, encoder step. Torch header: for the trainer's files and its tests only.
#pragma once
#include <functional>
#include <memory>

#include "networks.h"

namespace stratum::train {

// "auto" (CUDA when libtorch sees a device, else CPU), "cpu" or "cuda" (an error without a device).
torch::Device pick_device(const std::string& wanted);

struct Models {
    // rotation_weight > 0 adds the critic's rotation head (SS-GAN, below), made after the other networks
    // so that their initial weights stay those of the seed alone.
    explicit Models(const NetConfig& net, double rotation_weight = 0.0);
    Generator g, g_ema;
    Critic d;
    Encoder e;
    // Self-supervised rotation head (Chen et al., "Self-Supervised GANs via Auxiliary Rotation Loss",
    // CVPR 2019): logits [N, 4] for turns of 0, 90, 180, 270 degrees from the critic trunk's 4x4
    // features. Null when rotation_weight is 0.
    EqualizedLinear rotation{nullptr};
    double rotation_weight = 0.0;  // beta of SS-GAN (the critic's term); G's term is 0.2 * beta (their alpha)
    void to(const torch::Device& device);
};

// E, G_ema and D in evaluation mode, with the critic's minibatch stddev over groups of one, so that an
// image's scores never depend on the others in its batch (evaluation, export and native scoring).
void set_scoring_mode(Models& m);
// The three networks that scoring uses: E, G_ema and D.
std::vector<torch::nn::Module*> scoring_modules(Models& m);
// Moves E, G_ema and D to the device with plain contiguous weights and sets the scoring mode: what
// export (the card's calibration) and native scoring share, so that both run the exported graph's
// layout. A CPU checkpoint holds the trainer's channels-last weights (Models::to), whose other
// convolution kernels could change the last bits against the page.
void ready_for_scoring(Models& m, const torch::Device& device);

struct Optimizers {
    Optimizers(Models& m, double learning_rate);  // Adam, beta1 0, beta2 0.99, eps 1e-8
    std::unique_ptr<torch::optim::Adam> g, d, e;
    std::unique_ptr<torch::optim::Adam> rotation;  // the rotation head's, when Models has one
};

// Data parallelism as a step sees it (Distributed, distributed.h, fills it in; the default is one
// process, which changes nothing): which rows of each global batch this process trains on, and the
// averaging of gradients over the processes between backward and the optimiser's step. Every random
// draw of a step is made for the whole global batch, the same on every rank (same seed), and each
// rank keeps its rows of it: rank r trains on exactly the images and noise the single process draws
// for those rows.
struct DataParallel {
    int world_size = 1;
    int rank = 0;
    // In place: each gradient becomes its mean over the processes. Empty: one process.
    std::function<void(std::vector<torch::Tensor>& gradients)> average;
    // This process's rows of a tensor whose first dimension is the global batch (shard_rows, with the
    // critic's minibatch-stddev group): `full` itself in one process.
    torch::Tensor mine(const torch::Tensor& full, int group) const;
    // Global row numbers of this process's rows of a batch of n, int64 [n / world_size] on the CPU.
    torch::Tensor rows(std::int64_t n, int group) const;
    // The gradients of these modules' trainable parameters, averaged (nothing in one process).
    void average_gradients(const std::vector<torch::nn::Module*>& modules) const;
};

struct Losses {
    double d = 0, gp = 0, g = 0, e = 0;
};

// z = 0.1 N(0, I): G pixel-normalises z, so only its direction matters.
torch::Tensor sample_z(std::int64_t n, int latent, const torch::Device& device);

// Per-sample (||grad_x critic(x_hat)|| - 1)^2 at x_hat = real + u (fake - real), u one value per sample.
// create_graph so the penalty itself can be differentiated.
torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& u);

void set_trainable(torch::nn::Module& module, bool trainable);

// Each image of x [N, C, H, W] (H = W) turned by (i mod 4) quarter turns counter-clockwise; labels [N]
// (int64) hold i mod 4. With `rows` (int64 [N] on the CPU, the images' rows in a global batch), row
// numbers replace i.
std::pair<torch::Tensor, torch::Tensor> rotate_quarters(const torch::Tensor& x, const torch::Tensor& rows = {});
// Per image, the cross-entropy of the rotation head's prediction of turns k = 0..3 of x, averaged over
// the four turns: [N] float. Needs m.rotation. With the critic in scoring mode this is SS-GAN's
// rotation score as an anomaly score (Golan and El-Yaniv 2018; Hendrycks et al. 2019): images unlike
// the training set are turned in ways the critic cannot tell apart.
torch::Tensor rotation_loss_per_image(Models& m, const torch::Tensor& x, int stage, double alpha);

// D step: mean(D(G(z)) - D(x) + 10 GP + 0.001 D(x)^2), plus with a rotation head rotation_weight times
// the cross-entropy of the turns of the real images (rotate_quarters); then G_ema <- beta G_ema + (1 - beta) G.
// `real` holds this process's rows of the global batch (DataParallel::mine).
void critic_step(Models& m, Optimizers& o, const torch::Tensor& real, int stage, double alpha, double ema_beta,
                 Losses& losses, const DataParallel& parallel = {});
// G step: mean(-D(G(z))), plus with a rotation head 0.2 rotation_weight times the cross-entropy of
// the turns of G's images (SS-GAN's alpha = 0.2 beta); only G's weights move. `batch`: the global batch.
void generator_step(Models& m, Optimizers& o, std::int64_t batch, int stage, double alpha, Losses& losses,
                    const DataParallel& parallel = {});
// E step: x_f = G(z); mean|x_f - G(E(x_f))|; only E's weights move. E never sees a real image.
void encoder_step(Models& m, Optimizers& o, std::int64_t batch, int stage, double alpha, Losses& losses,
                  const DataParallel& parallel = {});

// Encoder step on real images (f-AnoGAN "izi_f", Schlegl et al. 2019, section 2.3): G_ema and D frozen;
// loss = mean (x - G_ema(E(x)))^2 + feature_weight * mean (f(x) - f(G_ema(E(x))))^2 with f the critic
// trunk's 4x4 features, taken with minibatch-stddev groups of one as scoring takes them. Only E moves.
void real_encoder_step(Models& m, Optimizers& o, const torch::Tensor& real, int stage, double feature_weight,
                       Losses& losses, const DataParallel& parallel = {});

// Each image of an [N, C, H, W] batch (H = W) under one of the 8 symmetries of the square, drawn
// at random per image: flipped left-right or not, then turned by 0, 90, 180 or 270 degrees.
torch::Tensor augment_dihedral(const torch::Tensor& images);

// One training iteration as the trainer runs it: critic step, generator step, encoder step, on the
// batch `real` (bench/stratum_bench times exactly this): this process's rows of the global batch.
void train_iteration(Models& m, Optimizers& o, const torch::Tensor& real, int stage, double alpha, double ema_beta,
                     Losses& losses, const DataParallel& parallel = {});

void update_ema(Generator& ema, const Generator& g, double beta);

// Real images for a phase: float CHW at full size, already in the network's units (the intensity
// window applied by load_images) -> the phase's resolution, blended
// between the two resolutions while a new block fades in (as the progressive-growing GAN does).
torch::Tensor prepare_reals(const torch::Tensor& images, int final_stage, int stage, double alpha);

}  // namespace stratum::train
