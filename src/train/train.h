// Training runs, as the command line sees them: no torch in this header.
#pragma once
#include <cstdint>
#include <string>

#include "config.h"

namespace stratum::train {

// Starts a run in `run_dir`, or with `resume` continues the one there on the same schedule.
// Writes config.json, training_set.tsv, log.jsonl, samples/*.png and checkpoint.pt (atomically).
// Stops cleanly on SIGINT/SIGTERM after writing a checkpoint. Throws stratum::Error on bad input
// and when a loss turns NaN or infinite (the last good checkpoint stays).
// `stop_at` > 0 pauses the run at that many images (with a checkpoint); a later resume goes on.
void train(const TrainConfig& config, const std::string& run_dir, bool resume, std::int64_t stop_at = 0);

// Throws stratum::Error when some batch of the schedule cannot be split over `world_size` ranks in
// whole minibatch-stddev groups (docs/DISTRIBUTED.md): before any rank starts, and at each rank's start.
void check_batch_split(const TrainConfig& config, int world_size);

// True once SIGINT or SIGTERM stopped a run: callers that run several (stratum study) stop too.
bool stop_requested();

// True when the torch build can see a CUDA device.
bool cuda_available();

}  // namespace stratum::train
