// Checkpoints: the four networks, the three optimisers and where the schedule stands, in one file
// written atomically (write, then rename). Torch header.
#pragma once
#include <cstdint>
#include <string>

#include "steps.h"

namespace stratum::train {

struct CheckpointState {
    std::int64_t images_seen = 0;
    int phase_index = 0;
};

void save_checkpoint(const std::string& path, Models& models, Optimizers& optimizers, const CheckpointState& state);
// Optimisers may be null (export and scoring read the networks only).
CheckpointState load_checkpoint(const std::string& path, Models& models, Optimizers* optimizers,
                                const torch::Device& device);
// The file's bytes, once its SHA-256 is checked (for rank 0 to send to the other ranks).
std::string read_checkpoint_bytes(const std::string& path);
// As load_checkpoint, from those bytes; `name` says where they came from in messages.
CheckpointState load_checkpoint_bytes(const std::string& bytes, const std::string& name, Models& models,
                                      Optimizers* optimizers, const torch::Device& device);

}  // namespace stratum::train
