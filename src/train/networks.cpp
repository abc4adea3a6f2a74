#include "networks.h"

#include <cmath>

namespace stratum::train {
namespace F = torch::nn::functional;

namespace {
const double kSqrt2 = std::sqrt(2.0);
thread_local std::int64_t* g_flops = nullptr;  // the innermost live FlopCounter's total
}

FlopCounter::FlopCounter() : outer_(g_flops) { g_flops = &flops_; }
FlopCounter::~FlopCounter() { g_flops = outer_; }

EqualizedConv2dImpl::EqualizedConv2dImpl(int in, int out, int kernel, double gain)
    : scale(gain / std::sqrt(static_cast<double>(in) * kernel * kernel)), padding(kernel / 2) {
    weight = register_parameter("weight", torch::randn({out, in, kernel, kernel}));
    bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor EqualizedConv2dImpl::forward(const torch::Tensor& x) {
    torch::Tensor y = F::conv2d(x, weight * scale, F::Conv2dFuncOptions().bias(bias).padding(padding));
    if (g_flops) *g_flops += 2 * weight.size(1) * weight.size(2) * weight.size(3) * y.numel();
    return y;
}

EqualizedLinearImpl::EqualizedLinearImpl(int in, int out, double gain) : scale(gain / std::sqrt(static_cast<double>(in))) {
    weight = register_parameter("weight", torch::randn({out, in}));
    bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor EqualizedLinearImpl::forward(const torch::Tensor& x) {
    torch::Tensor y = F::linear(x, weight * scale, bias);
    if (g_flops) *g_flops += 2 * weight.size(1) * y.numel();
    return y;
}

torch::Tensor leaky(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2)); }

torch::Tensor pixel_norm(const torch::Tensor& x) {
    return x * torch::rsqrt(x.pow(2).mean(1, /*keepdim=*/true) + 1e-8);
}

torch::Tensor minibatch_stddev(const torch::Tensor& x, int group) {
    const std::int64_t n = x.size(0);
    std::int64_t g = std::min<std::int64_t>(group, n);
    while (n % g != 0) --g;  // a group size that divides the batch
    const auto s = x.sizes();
    torch::Tensor y = x.reshape({g, n / g, s[1], s[2], s[3]});
    y = y - y.mean(0, true);
    y = torch::sqrt(y.pow(2).mean(0) + 1e-8);                    // [M, C, H, W]
    y = y.mean({1, 2, 3}, true);                                  // [M, 1, 1, 1]
    y = y.repeat({g, 1, s[2], s[3]});                             // [N, 1, H, W]
    return torch::cat({x, y}, 1);
}

torch::Tensor upsample2(const torch::Tensor& x) {
    return F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
}

torch::Tensor downsample2(const torch::Tensor& x) { return F::avg_pool2d(x, F::AvgPool2dFuncOptions(2)); }

GeneratorImpl::GeneratorImpl(const NetConfig& n) : net(n) {
    const int c4 = net.width_at(4);
    dense = register_module("dense", EqualizedLinear(net.latent, c4 * 16, kSqrt2 / 4));
    conv4 = register_module("conv4", EqualizedConv2d(c4, c4, 3, kSqrt2));
    for (int stage = 1; stage <= net.stages(); ++stage) {
        const int res = 4 << (stage - 1);
        const int c = net.width_at(res);
        const std::string tag = std::to_string(res);
        if (stage > 1) {
            const int c_prev = net.width_at(res / 2);
            up_conv.push_back(register_module("up_conv" + tag, EqualizedConv2d(c_prev, c, 3, kSqrt2)));
            conv.push_back(register_module("conv" + tag, EqualizedConv2d(c, c, 3, kSqrt2)));
        } else {
            up_conv.push_back(nullptr);
            conv.push_back(nullptr);
        }
        to_rgb.push_back(register_module("to_rgb" + tag, EqualizedConv2d(c, net.channels, 1, 1.0)));
    }
}

torch::Tensor GeneratorImpl::forward(const torch::Tensor& z, int stage, double alpha) {
    const int c4 = net.width_at(4);
    torch::Tensor h = pixel_norm(z);
    h = pixel_norm(leaky(dense(h).view({-1, c4, 4, 4})));
    h = pixel_norm(leaky(conv4(h)));
    torch::Tensor previous;
    for (int s = 2; s <= stage; ++s) {
        previous = h;
        h = pixel_norm(leaky(up_conv[s - 1](upsample2(h))));
        h = pixel_norm(leaky(conv[s - 1](h)));
    }
    torch::Tensor rgb = to_rgb[stage - 1](h);
    if (stage > 1 && alpha < 1.0) {
        const torch::Tensor low = upsample2(to_rgb[stage - 2](previous));
        rgb = low + (rgb - low) * alpha;
    }
    return rgb;
}

TrunkImpl::TrunkImpl(const NetConfig& n, bool mbstd) : net(n), use_mbstd(mbstd) {
    for (int stage = 1; stage <= net.stages(); ++stage) {
        const int res = 4 << (stage - 1);
        const int c = net.width_at(res);
        const std::string tag = std::to_string(res);
        from_rgb.push_back(register_module("from_rgb" + tag, EqualizedConv2d(net.channels, c, 1, kSqrt2)));
        if (stage > 1) {
            conv.push_back(register_module("conv" + tag, EqualizedConv2d(c, c, 3, kSqrt2)));
            conv_down.push_back(register_module("conv_down" + tag, EqualizedConv2d(c, net.width_at(res / 2), 3, kSqrt2)));
        } else {
            conv.push_back(nullptr);
            conv_down.push_back(nullptr);
        }
    }
    const int c4 = net.width_at(4);
    conv4 = register_module("conv4", EqualizedConv2d(c4 + (mbstd ? 1 : 0), c4, 3, kSqrt2));
}

torch::Tensor TrunkImpl::forward(const torch::Tensor& x, int stage, double alpha) {
    torch::Tensor h = leaky(from_rgb[stage - 1](x));
    for (int s = stage; s >= 2; --s) {
        h = leaky(conv[s - 1](h));
        h = downsample2(leaky(conv_down[s - 1](h)));
        if (s == stage && alpha < 1.0) {
            const torch::Tensor low = leaky(from_rgb[s - 2](downsample2(x)));
            h = low + (h - low) * alpha;
        }
    }
    if (use_mbstd) h = minibatch_stddev(h, mbstd_group);
    h = leaky(conv4(h));
    return h.flatten(1);
}

std::vector<torch::Tensor> TrunkImpl::activations(const torch::Tensor& x, int stage) {
    std::vector<torch::Tensor> out;
    torch::Tensor h = leaky(from_rgb[stage - 1](x));
    out.push_back(h);
    for (int s = stage; s >= 2; --s) {
        h = leaky(conv[s - 1](h));
        h = downsample2(leaky(conv_down[s - 1](h)));
        out.push_back(h);
    }
    if (use_mbstd) h = minibatch_stddev(h, mbstd_group);
    out.push_back(leaky(conv4(h)));
    return out;
}

CriticImpl::CriticImpl(const NetConfig& net) {
    const int c4 = net.width_at(4);
    trunk = register_module("trunk", Trunk(net, true));
    dense = register_module("dense", EqualizedLinear(c4 * 16, c4, kSqrt2));
    out = register_module("out", EqualizedLinear(c4, 1, 1.0));
}

torch::Tensor CriticImpl::features(const torch::Tensor& x, int stage, double alpha) {
    return trunk(x, stage, alpha);
}

torch::Tensor CriticImpl::forward(const torch::Tensor& x, int stage, double alpha) {
    return out(leaky(dense(trunk(x, stage, alpha))));
}

EncoderImpl::EncoderImpl(const NetConfig& n) : net(n) {
    const int c4 = net.width_at(4);
    trunk = register_module("trunk", Trunk(net, false));
    dense = register_module("dense", EqualizedLinear(c4 * 16, net.latent, kSqrt2));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& x, int stage, double alpha) {
    return leaky(dense(trunk(x, stage, alpha)));
}

void copy_weights(torch::nn::Module& to, const torch::nn::Module& from) {
    torch::NoGradGuard no_grad;
    auto dst = to.named_parameters(true);
    for (const auto& item : from.named_parameters(true)) dst[item.key()].copy_(item.value());
    auto dst_buffers = to.named_buffers(true);
    for (const auto& item : from.named_buffers(true)) dst_buffers[item.key()].copy_(item.value());
}

}  // namespace stratum::train
