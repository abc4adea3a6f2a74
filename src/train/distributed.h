// Data-parallel training over torch.distributed (c10d): the processes ("ranks") of one run, as torchrun
// starts them (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT in the environment), joined
// through a c10d TCPStore that rank 0 serves on MASTER_ADDR:MASTER_PORT, with a Gloo process group
// (CPU tensors, and gradients on a CPU run) and, where libtorch was built with CUDA and NCCL, an NCCL
// group for the gradients of a CUDA run. docs/DISTRIBUTED.md says how to start one.
// Every call here is collective: each rank makes it, in the same order. A rank that is gone (killed, or
// failed with a stratum::Error) makes the others' next call throw a stratum::Error that names it.
// Torch header: for the trainer's files and its tests only.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace stratum::train {

// torchrun's variables. present = false when RANK and WORLD_SIZE are both unset (one process).
struct RankEnvironment {
    bool present = false;
    int rank = 0;
    int world_size = 1;
    int local_rank = 0;
    std::string master_addr;
    int master_port = 0;
};
// Reads the environment; throws stratum::Error naming a variable that is missing or malformed.
RankEnvironment rank_environment();

// Which collective backends this build links: "gloo", "gloo, nccl", or "" (none: one process only).
std::string distributed_backends();

// Rows of a global batch of `batch` images that rank `rank` of `world_size` trains on, in that rank's
// order: int64 [batch / world_size]. The critic's minibatch standard deviation pools groups of `group`
// rows strided over the batch (minibatch_stddev: row i = a * (batch / group) + m is in group m); rank r
// takes the columns m in [r M', (r + 1) M'), M' = batch / group / world_size, so that each rank's
// share, pooled the same way, forms exactly the single process's groups. Needs batch to be a multiple
// of group * world_size (throws stratum::Error otherwise); world_size 1 gives 0 .. batch - 1.
torch::Tensor shard_rows(std::int64_t batch, int group, int world_size, int rank);
// The group minibatch_stddev uses for a batch of n (the largest divisor of n not above `group`).
int stddev_group(std::int64_t n, int group);

class Distributed {
public:
    // Joins the run's ranks: waits at most `timeout` for all of them; a collective that waits longer
    // than `timeout` for a rank fails (a hung rank, or one whose machine is gone). `device` is where
    // the gradients live (CUDA: NCCL where built, else Gloo).
    Distributed(const RankEnvironment& env, const torch::Device& device, std::chrono::seconds timeout);
    ~Distributed();
    Distributed(const Distributed&) = delete;
    Distributed& operator=(const Distributed&) = delete;

    int rank() const { return rank_; }
    int world_size() const { return world_size_; }
    bool is_root() const { return rank_ == 0; }
    const std::string& backend() const { return backend_; }  // of the gradients: "gloo" or "nccl"

    // Each rank gives `text` (e.g. its configuration as JSON); throws stratum::Error on every rank when
    // some rank's differs from rank 0's, naming that rank and `what` (the first differing line shown).
    void agree(const std::string& what, const std::string& text);
    // Rank 0's `text` on every rank (the others' argument is ignored). `key` names the value: once each.
    std::string share(const std::string& key, const std::string& text);
    // Rank 0's bytes on every rank, through the process group (for files too large for the store).
    std::string broadcast_bytes(const std::string& bytes);
    // In place: each tensor becomes the mean of its values over the ranks (sum, then / world size).
    void average(std::vector<torch::Tensor>& tensors);
    void barrier();
    // Tells the other ranks why this one stops (shown in their errors); never throws.
    void announce_failure(const std::string& message) noexcept;

private:
    struct Impl;
    // Rethrows a failed collective as a stratum::Error naming the rank that is gone.
    [[noreturn]] void fail(const std::string& during, const std::exception& e);
    // A store value some rank sets: waits for it, but stops at once when a rank announced a failure.
    std::string await(const std::string& key, const std::string& what);
    int rank_ = 0, world_size_ = 1;
    std::string backend_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace stratum::train
