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

}  // namespace stratum::train
