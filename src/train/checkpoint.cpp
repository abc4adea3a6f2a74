#include "checkpoint.h"

#include <filesystem>

#include "error.h"

namespace stratum::train {
namespace {

void write_module(torch::serialize::OutputArchive& archive, const char* key, const torch::nn::Module& module) {
    torch::serialize::OutputArchive sub;
    module.save(sub);
    archive.write(key, sub);
}

template <typename Optimizer>
void write_optimizer(torch::serialize::OutputArchive& archive, const char* key, const Optimizer& optimizer) {
    torch::serialize::OutputArchive sub;
    optimizer.save(sub);
    archive.write(key, sub);
}

}  // namespace

void save_checkpoint(const std::string& path, Models& m, Optimizers& o, const CheckpointState& state) {
    torch::serialize::OutputArchive archive;
    write_module(archive, "g", *m.g);
    write_module(archive, "g_ema", *m.g_ema);
    write_module(archive, "d", *m.d);
    write_module(archive, "e", *m.e);
    write_optimizer(archive, "opt_g", *o.g);
    write_optimizer(archive, "opt_d", *o.d);
    write_optimizer(archive, "opt_e", *o.e);
    archive.write("images_seen", torch::tensor(state.images_seen, torch::kInt64));
    archive.write("phase_index", torch::tensor(static_cast<std::int64_t>(state.phase_index), torch::kInt64));
    const std::string tmp = path + ".tmp";
    try {
        archive.save_to(tmp);
    } catch (const c10::Error& e) {
        std::filesystem::remove(tmp);
        throw Error("cannot write checkpoint " + tmp + " (disk full?): " + e.what_without_backtrace());
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw Error("cannot rename " + tmp + ": " + ec.message());
}

CheckpointState load_checkpoint(const std::string& path, Models& m, Optimizers* o, const torch::Device& device) {
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, device);
        auto read_module = [&](const char* key, torch::nn::Module& module) {
            torch::serialize::InputArchive sub;
            archive.read(key, sub);
            module.load(sub);
        };
        read_module("g", *m.g);
        read_module("g_ema", *m.g_ema);
        read_module("d", *m.d);
        read_module("e", *m.e);
        if (o) {
            auto read_optimizer = [&](const char* key, torch::optim::Adam& optimizer) {
                torch::serialize::InputArchive sub;
                archive.read(key, sub);
                optimizer.load(sub);
            };
            read_optimizer("opt_g", *o->g);
            read_optimizer("opt_d", *o->d);
            read_optimizer("opt_e", *o->e);
        }
        torch::Tensor images, phase;
        archive.read("images_seen", images);
        archive.read("phase_index", phase);
        CheckpointState state;
        state.images_seen = images.item<std::int64_t>();
        state.phase_index = static_cast<int>(phase.item<std::int64_t>());
        return state;
    } catch (const c10::Error& e) {
        throw Error("cannot read checkpoint " + path + " (wrong architecture or damaged file): " +
                    e.what_without_backtrace());
    }
}

}  // namespace stratum::train
