// checkpoint_compare RUN_A RUN_B TOLERANCE: loads both runs' checkpoints (their config.json gives the
// networks) and prints, per network, the largest absolute difference of any weight and the largest
// weight. Exit status 0 when both are at the same position and every difference is at most TOLERANCE,
// 1 otherwise, 2 on bad input. For tests/train/distributed.sh.
#include <cstdlib>
#include <iostream>

#include "checkpoint.h"
#include "config.h"
#include "error.h"
#include "run_files.h"

using namespace stratum::train;

namespace {
struct Loaded {
    TrainConfig config;
    std::unique_ptr<Models> models;
    CheckpointState state;
};
Loaded load(const std::string& dir) {
    RunFiles files{dir};
    Loaded l;
    l.config = config_from_json(read_text_file(files.config()));
    l.models = std::make_unique<Models>(l.config.net, l.config.schedule.rotation_weight);
    l.state = load_checkpoint(files.checkpoint(), *l.models, nullptr, torch::kCPU);
    return l;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: checkpoint_compare RUN_A RUN_B TOLERANCE\n";
        return 2;
    }
    try {
        const double tolerance = std::atof(argv[3]);
        Loaded a = load(argv[1]), b = load(argv[2]);
        bool ok = a.state.images_seen == b.state.images_seen;
        std::cout << "images " << a.state.images_seen << " and " << b.state.images_seen << "\n";
        const std::vector<std::pair<const char*, std::pair<torch::nn::Module*, torch::nn::Module*>>> nets = {
            {"g", {a.models->g.get(), b.models->g.get()}},
            {"g_ema", {a.models->g_ema.get(), b.models->g_ema.get()}},
            {"d", {a.models->d.get(), b.models->d.get()}},
            {"e", {a.models->e.get(), b.models->e.get()}}};
        for (const auto& [name, pair] : nets) {
            const auto pa = pair.first->parameters(), pb = pair.second->parameters();
            double worst = 0, largest = 0;
            for (std::size_t i = 0; i < pa.size(); ++i) {
                worst = std::max(worst, (pa[i] - pb[i]).abs().max().item<double>());
                largest = std::max(largest, pa[i].abs().max().item<double>());
            }
            std::cout << name << ": largest difference " << worst << " (largest weight " << largest << ")\n";
            if (!(worst <= tolerance)) ok = false;
        }
        std::cout << (ok ? "same within " : "NOT the same within ") << tolerance << "\n";
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "checkpoint_compare: " << e.what() << "\n";
        return 2;
    }
}
