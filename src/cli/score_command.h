// `stratum score MODEL INPUTS...`: native scoring through the same core code the page uses.
#pragma once
#include <string>
#include <vector>

namespace stratum::cli {

struct ScoreOptions {
    std::string model;
    std::vector<std::string> inputs;  // files and folders (a folder's first-level subfolders name labels)
    std::string csv;                  // write CSV here ("-" = standard output) instead of the table
    std::string latents;              // also write the latents as TSV here
    std::string score;                // which of the card's scores drives score and verdict; "" = the card's default
    int batch = 64;
    int threads = 0;
    std::string device = "auto";
};

// Returns the exit status: 0 when every file was scored, 1 when some could not be read.
int run_score(const ScoreOptions& options);

}  // namespace stratum::cli
