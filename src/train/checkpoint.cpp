#include "checkpoint.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "error.h"
#include "run_files.h"
#include "sha256.h"

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

// Torch's own file writer throws from a destructor when the disk fills (std::terminate): the archive
// is streamed through a writer that never reports a short write to torch, and errors are raised
// here once torch is done.
void write_archive(torch::serialize::OutputArchive& archive, const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
    if (!file) throw Error("cannot create " + path + ": " + std::strerror(errno));
    int error = 0;
    archive.save_to([&](const void* data, std::size_t size) -> std::size_t {
        if (error == 0 && std::fwrite(data, 1, size, file.get()) != size) error = errno ? errno : EIO;
        return size;
    });
    if (error == 0 && std::fflush(file.get()) != 0) error = errno;
    if (error == 0 && ::fsync(::fileno(file.get())) != 0) error = errno;
    if (std::fclose(file.release()) != 0 && error == 0) error = errno;
    if (error != 0) throw Error("cannot write " + path + " (disk full?): " + std::strerror(error));
}

// dir/checkpoint.pt -> dir/checkpoint.sha256, in sha256sum's format.
std::string sum_path(const std::string& checkpoint) {
    return std::filesystem::path(checkpoint).replace_extension(".sha256").string();
}

std::string sum_line(const std::string& checkpoint, const std::string& digest) {
    return digest + "  " + std::filesystem::path(checkpoint).filename().string() + "\n";
}

std::string recorded_digest(const std::string& sum_file) {
    std::error_code ec;
    if (!std::filesystem::exists(sum_file, ec)) return "";
    return read_text_file(sum_file).substr(0, 64);
}

// The checkpoint must be the file whose SHA-256 was recorded when it was written. A kill between
// the two renames of save_checkpoint leaves the new sum in .next: it is completed here.
void verify_checkpoint(const std::string& path) {
    const std::string sums = sum_path(path), next = sums + ".next";
    const std::string recorded = recorded_digest(sums), pending = recorded_digest(next);
    if (recorded.empty() && pending.empty()) return;  // a run from before checksums (torch's zip CRCs still apply)
    const std::string actual = sha256_file(path);
    if (actual == recorded) return;
    if (actual == pending) {
        replace_file(next, sums);
        return;
    }
    throw Error(path + " is damaged: its SHA-256 is not the one recorded when it was written (" + sums +
                "). Restore it from a copy, or start a new run");
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
    if (m.rotation) {
        write_module(archive, "rotation", *m.rotation);
        write_optimizer(archive, "opt_rotation", *o.rotation);
    }
    archive.write("images_seen", torch::tensor(state.images_seen, torch::kInt64));
    archive.write("phase_index", torch::tensor(static_cast<std::int64_t>(state.phase_index), torch::kInt64));
    // Written to .tmp and synced; its SHA-256 goes to checkpoint.sha256.next; then both are renamed
    // into place. A kill or a full disk at any point leaves the previous pair whole.
    const std::string tmp = path + ".tmp", sums = sum_path(path), next = sums + ".next";
    try {
        write_archive(archive, tmp);
        write_file_synced(next, sum_line(path, sha256_file(tmp)));
    } catch (const Error& e) {
        std::filesystem::remove(tmp);
        throw Error(std::string(e.what()) + "; the previous checkpoint is kept");
    }
    replace_file(tmp, path);
    replace_file(next, sums);
    sync_folder_of(path);
}

namespace {

// The networks, optimisers and position from an archive already opened; `name` for messages.
CheckpointState read_checkpoint(torch::serialize::InputArchive& archive, const std::string& name, Models& m,
                                Optimizers* o) {
    try {
        auto read_module = [&](const char* key, torch::nn::Module& module) {
            torch::serialize::InputArchive sub;
            archive.read(key, sub);
            module.load(sub);
        };
        read_module("g", *m.g);
        read_module("g_ema", *m.g_ema);
        read_module("d", *m.d);
        read_module("e", *m.e);
        if (m.rotation) read_module("rotation", *m.rotation);  // a run made with --rotation-loss
        if (o) {
            auto read_optimizer = [&](const char* key, torch::optim::Adam& optimizer) {
                torch::serialize::InputArchive sub;
                archive.read(key, sub);
                optimizer.load(sub);
            };
            read_optimizer("opt_g", *o->g);
            read_optimizer("opt_d", *o->d);
            read_optimizer("opt_e", *o->e);
            if (o->rotation) read_optimizer("opt_rotation", *o->rotation);
        }
        torch::Tensor images, phase;
        archive.read("images_seen", images);
        archive.read("phase_index", phase);
        CheckpointState state;
        state.images_seen = images.item<std::int64_t>();
        state.phase_index = static_cast<int>(phase.item<std::int64_t>());
        return state;
    } catch (const c10::Error& e) {
        throw Error("cannot read checkpoint " + name + " (wrong architecture or damaged file): " +
                    e.what_without_backtrace());
    }
}

}  // namespace

CheckpointState load_checkpoint(const std::string& path, Models& m, Optimizers* o, const torch::Device& device) {
    verify_checkpoint(path);
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, device);
    } catch (const c10::Error& e) {
        throw Error("cannot read checkpoint " + path + " (wrong architecture or damaged file): " + e.what_without_backtrace());
    }
    return read_checkpoint(archive, path, m, o);
}

std::string read_checkpoint_bytes(const std::string& path) {
    verify_checkpoint(path);
    return read_text_file(path);
}

CheckpointState load_checkpoint_bytes(const std::string& bytes, const std::string& name, Models& m, Optimizers* o,
                                      const torch::Device& device) {
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(bytes.data(), bytes.size(), device);
    } catch (const c10::Error& e) {
        throw Error("cannot read checkpoint " + name + " (damaged copy): " + e.what_without_backtrace());
    }
    return read_checkpoint(archive, name, m, o);
}

}  // namespace stratum::train
