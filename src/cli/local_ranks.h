// `stratum train --local-ranks N`: the N ranks of one run on this machine, started as torchrun starts
// them (docs/DISTRIBUTED.md): N copies of this program with the same arguments less --local-ranks, each
// with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and MASTER_PORT (a free
// loopback port) in its environment, and OMP_NUM_THREADS = cores / N unless it is set. Linux only
// (the arguments come from /proc/self/cmdline). Torch-free.
#pragma once

namespace stratum::cli {

// Starts the ranks and forwards their output line by line to stderr, each line prefixed "[rank R] ";
// SIGINT and SIGTERM are passed on (the ranks checkpoint and stop together). Returns 0 when every rank
// exits 0, else the status of the first rank that failed (128 + the signal for a killed one), after
// saying which rank it was. A rank still running `grace_seconds` after another failed is killed.
// Throws stratum::Error when the ranks cannot be started.
int run_local_ranks(int ranks, int grace_seconds);

}  // namespace stratum::cli
