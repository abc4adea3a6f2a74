// The native side of bench/run.sh: each subcommand measures one thing and prints one JSON object.
//   stratum_bench gemm --threads N                 float32 matrix-multiply rate (torch::mm, 1024^2 and 2048^2)
//   stratum_bench flops --preset P --size S        forward FLOPs per image of G, D and E
//   stratum_bench train --preset P --size S ...    images per second of one training iteration (D, G, E steps),
//                                                  and its forward FLOPs per image, counted in the warm-up
//   stratum_bench encoder MODEL.onnx ...           images per second of the encoder alone (libtorch)
#include "native_encoder.h"
#include "steps.h"
#undef CHECK

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "config.h"
#include "error.h"

using namespace stratum;
using namespace stratum::train;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

NetConfig net_for(const std::string& preset, int size) {
    NetConfig net = preset_config(preset).net;
    net.resolution = size;
    return net;
}

nlohmann::json gemm_rate() {
    nlohmann::json out = nlohmann::json::array();
    for (int n : {1024, 2048}) {
        const torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n});
        torch::mm(a, b);  // warm-up
        int runs = 0;
        const auto start = Clock::now();
        while (seconds_since(start) < 2.0 || runs < 3) {
            torch::mm(a, b);
            ++runs;
        }
        out.push_back({{"n", n}, {"gflops", 2.0 * n * n * n * runs / seconds_since(start) / 1e9}});
    }
    return out;
}

// One full iteration as the trainer runs it, at the final resolution.
void iteration(Models& m, Optimizers& o, const torch::Tensor& real, int stage) {
    Losses losses;
    train_iteration(m, o, real, stage, 1.0, 0.999, losses);
}

nlohmann::json count_flops(const NetConfig& net) {
    torch::manual_seed(1);
    Models m(net);
    const int stage = net.stages();
    auto per_image = [](const FlopCounter& c, int n) { return static_cast<double>(c.flops()) / n; };
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::zeros({1, net.channels, net.resolution, net.resolution});
    double fg, fd, fe;
    {
        FlopCounter c;
        m.g(sample_z(1, net.latent, torch::kCPU), stage, 1.0);
        fg = per_image(c, 1);
    }
    {
        FlopCounter c;
        m.d(x, stage, 1.0);
        fd = per_image(c, 1);
    }
    {
        FlopCounter c;
        m.e(x, stage, 1.0);
        fe = per_image(c, 1);
    }
    return {{"g_forward", fg}, {"d_forward", fd}, {"e_forward", fe}};
}

nlohmann::json time_training(const NetConfig& net, int batch, int iterations) {
    torch::manual_seed(1);
    Models m(net);
    m.to(torch::kCPU);  // as the trainer does (it also sets the memory layout)
    Optimizers o(m, 1e-3);
    const int stage = net.stages();
    // As load_images gives them: float, in the network's [-1, 1] units.
    const torch::Tensor images = torch::rand({batch, net.channels, net.resolution, net.resolution}) * 2 - 1;
    const torch::Tensor real = prepare_reals(images, stage, stage, 1.0);
    double forward_in_iteration;
    {
        FlopCounter c;  // the untimed warm-up (allocations, thread pool) also counts the iteration's FLOPs
        iteration(m, o, real, stage);
        forward_in_iteration = static_cast<double>(c.flops()) / batch;
    }
    std::vector<double> times;
    for (int i = 0; i < iterations; ++i) {
        const auto start = Clock::now();
        iteration(m, o, real, stage);
        times.push_back(seconds_since(start));
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    // Backward costs about twice the forward (gradients of inputs and of weights); the gradient
    // penalty's second-order pass is not in this estimate, so the ceiling it implies is optimistic.
    return {{"batch", batch}, {"iterations", iterations}, {"seconds_per_iteration", median},
            {"images_per_s", batch / median}, {"iteration_forward_flops_per_image", forward_in_iteration},
            {"iteration_flops_estimate_per_image", 3.0 * forward_in_iteration}};
}

nlohmann::json time_encoder(const std::string& model, int batch, double seconds, int threads) {
    auto encoder = NativeEncoder::open(model, "cpu", threads);
    const InputSpec& in = encoder->card().input;
    std::vector<float> images(static_cast<std::size_t>(batch) * in.channels * in.height * in.width);
    std::uint32_t x = 1;
    for (float& v : images) v = static_cast<float>((x = x * 1664525u + 1013904223u) >> 8) / 16777216.0f * 2 - 1;
    encoder->encode(images.data(), batch, true);
    int runs = 0;
    const auto start = Clock::now();
    while (seconds_since(start) < seconds || runs < 3) {
        encoder->encode(images.data(), batch, true);
        ++runs;
    }
    return {{"batch", batch}, {"images_per_s", runs * batch / seconds_since(start)}};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"stratum_bench: native measurements for bench/run.sh (one JSON object on stdout)"};
    app.require_subcommand(1);
    int threads = 0;
    app.add_option("--threads", threads, "torch threads (0: torch's default, all cores)");
    std::string preset = "small", model;
    int size = 32, batch = 64, iterations = 5;
    double seconds = 3;
    auto* gemm = app.add_subcommand("gemm", "float32 matrix-multiply rate");
    auto* flops = app.add_subcommand("flops", "forward FLOPs per image of G, D and E");
    auto* train = app.add_subcommand("train", "images per second of one training iteration");
    auto* encoder = app.add_subcommand("encoder", "images per second of the encoder (libtorch)");
    for (auto* sub : {flops, train}) {
        sub->add_option("--preset", preset, "small or paper")->capture_default_str();
        sub->add_option("--size", size, "image size")->capture_default_str();
    }
    train->add_option("--batch", batch, "batch")->capture_default_str();
    train->add_option("--iterations", iterations, "timed iterations (median reported)")->capture_default_str();
    encoder->add_option("model", model, "a .onnx with its card beside it")->required();
    encoder->add_option("--batch", batch, "images per call")->capture_default_str();
    encoder->add_option("--seconds", seconds, "at least this long")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    try {
        if (threads > 0) torch::set_num_threads(threads);
        nlohmann::json out = {{"threads", torch::get_num_threads()}};
        if (*gemm) out["gemm"] = gemm_rate();
        if (*flops) out["flops"] = count_flops(net_for(preset, size));
        if (*train) out["train"] = time_training(net_for(preset, size), batch, iterations);
        if (*encoder) out["encoder"] = time_encoder(model, batch, seconds, threads);
        std::cout << out.dump() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "stratum_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
