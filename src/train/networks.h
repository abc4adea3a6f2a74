// The networks of arXiv 1905.11034 (a progressive-growing GAN with an encoder) in libtorch: generator G, critic D and encoder E of the
// progressive-growing GAN family, with equalized learning rate. Included only by the trainer's own
// files: the core and the page never see torch.
#pragma once
#include <torch/torch.h>

#include <vector>

#include "config.h"

namespace stratum::train {

// Weights drawn N(0, 1) and scaled at run time by gain / sqrt(fan_in), so Adam sees every layer alike.
struct EqualizedConv2dImpl : torch::nn::Module {
    EqualizedConv2dImpl(int in, int out, int kernel, double gain);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight, bias;
    double scale;
    int padding;
};
TORCH_MODULE(EqualizedConv2d);

struct EqualizedLinearImpl : torch::nn::Module {
    EqualizedLinearImpl(int in, int out, double gain);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight, bias;
    double scale;
};
TORCH_MODULE(EqualizedLinear);

torch::Tensor leaky(const torch::Tensor& x);       // leaky ReLU, slope 0.2
torch::Tensor pixel_norm(const torch::Tensor& x);  // x / sqrt(mean over channels of x^2 + 1e-8)
// One extra channel: the standard deviation over groups of (up to) 4 images, averaged.
// The critic's minibatch-stddev group in training (the progressive-growing GAN's 4).
inline constexpr int kStddevGroup = 4;
torch::Tensor minibatch_stddev(const torch::Tensor& x, int group = kStddevGroup);
torch::Tensor upsample2(const torch::Tensor& x);    // nearest neighbour, x2
torch::Tensor downsample2(const torch::Tensor& x);  // 2x2 average

// G(z, stage, alpha): image at resolution 4 << (stage - 1); while alpha < 1 the newest block is
// blended in over the upsampled output of the previous resolution.
struct GeneratorImpl : torch::nn::Module {
    explicit GeneratorImpl(const NetConfig& net);
    torch::Tensor forward(const torch::Tensor& z, int stage, double alpha);
    NetConfig net;
    EqualizedLinear dense{nullptr};
    EqualizedConv2d conv4{nullptr};
    std::vector<EqualizedConv2d> up_conv, conv, to_rgb;  // index = stage - 1 (up_conv/conv unused at 0)
};
TORCH_MODULE(Generator);

// The shared trunk of D and E: from-RGB, per halving two 3x3 convolutions and a 2x2 average pool,
// then at 4x4 (minibatch stddev for D only) a 3x3 convolution. Returns the 4x4 features, flattened.
struct TrunkImpl : torch::nn::Module {
    TrunkImpl(const NetConfig& net, bool minibatch_stddev);
    torch::Tensor forward(const torch::Tensor& x, int stage, double alpha);
    // The activations at every resolution of a fully grown trunk, [N, C_r, r, r] from the input size
    // down to 4 (after from-RGB, after each halving) and last the 4x4 output of conv4.
    std::vector<torch::Tensor> activations(const torch::Tensor& x, int stage);
    NetConfig net;
    bool use_mbstd;
    int mbstd_group = kStddevGroup;  // 1 makes each image's features independent of the batch (evaluation)
    std::vector<EqualizedConv2d> from_rgb, conv, conv_down;  // index = stage - 1
    EqualizedConv2d conv4{nullptr};
};
TORCH_MODULE(Trunk);

// The critic: trunk, dense to C, dense to 1 (the critic value).
struct CriticImpl : torch::nn::Module {
    explicit CriticImpl(const NetConfig& net);
    torch::Tensor forward(const torch::Tensor& x, int stage, double alpha);
    torch::Tensor features(const torch::Tensor& x, int stage, double alpha);  // the trunk's 4x4 features
    Trunk trunk{nullptr};
    EqualizedLinear dense{nullptr}, out{nullptr};
};
TORCH_MODULE(Critic);

// The encoder: D's trunk without minibatch stddev (our decision: README, "Decisions worth knowing"), then
// z = leakyrelu(dense(features)).
struct EncoderImpl : torch::nn::Module {
    explicit EncoderImpl(const NetConfig& net);
    torch::Tensor forward(const torch::Tensor& x, int stage, double alpha);
    Trunk trunk{nullptr};
    EqualizedLinear dense{nullptr};
    NetConfig net;
};
TORCH_MODULE(Encoder);

// While one is alive, counts the FLOPs (2 per multiply-add) of every equalized convolution and dense
// layer run forward on this thread: the models' cost per image, for bench/ and the logs.
class FlopCounter {
public:
    FlopCounter();
    ~FlopCounter();
    FlopCounter(const FlopCounter&) = delete;
    FlopCounter& operator=(const FlopCounter&) = delete;
    std::int64_t flops() const { return flops_; }

private:
    std::int64_t flops_ = 0;
    std::int64_t* outer_;
};

// Copies every parameter and buffer of `from` into `to` (same architecture).
void copy_weights(torch::nn::Module& to, const torch::nn::Module& from);

}  // namespace stratum::train
