// `stratum score MODEL INPUTS...`: native scoring through the same core code the page uses.
#pragma once
#include <string>
#include <vector>

namespace stratum::cli {

struct ScoreOptions {
    std::string model;
    std::vector<std::string> inputs;  // files and folders (labels from the folders: label_for_path)
    std::string csv;                  // write CSV here ("-" = standard output) instead of the table
    std::string latents;              // also write the latents as TSV here
    std::string score;                // which of the card's scores drives score and verdict; "" = the card's default
    std::string input_range;          // "LO:HI" in the files' sample values, overriding the card's window; "" = the card's
    int batch = 64;
    int threads = 0;
    std::string device = "auto";
};

// Every page of a multi-page TIFF is a row of its own ("cells.tif [page 3/12]"). Returns the exit
// status: 0 when every image was scored, 1 when some image could not be read (files that are no
// image at all are listed with their reason, and do not change the status).
int run_score(const ScoreOptions& options);

}  // namespace stratum::cli
