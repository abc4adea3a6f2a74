// `stratum eval`: every score of the study protocol (docs/RESULTS.md) on a held-out test split, for one trained run.
// Torch-free header.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "roc.h"

namespace stratum::train {

struct EvalOptions {
    std::string run_dir;
    std::string test_path;                // folder of class subfolders (or idx folder)
    std::string split = "t10k";           // for idx folders
    std::vector<std::string> normal;      // default: the run's normal classes
    std::vector<std::string> anomalous;   // default: every other class of the test data
    std::int64_t max_per_class = 0;       // 0 = all
    int histogram_bins = 30;
    int threads = 0;
    std::string device = "auto";
    bool quiet = false;
    bool feature_probe = false;  // also print the AUROC of a Gaussian and a 5-nn distance in every feature set
};

struct EvalSamples {
    std::vector<std::string> files;
    std::vector<bool> anomalous;
    std::vector<std::vector<double>> scores;  // one vector per score, in EvalResult::scores order
};

struct ScoreResult {
    std::string name;         // norm, norm_deviation, reconstruction, feature, combined, pca_pixels, brightness, colour, ...
    std::string description;
    double auroc = 0;         // larger score = anomalous; below 0.5 means the cue points the other way
    Histogram normal, anomalous;  // over a common range
};

struct EvalResult {
    std::int64_t images_seen = 0;
    std::size_t normal_count = 0, anomalous_count = 0;
    std::vector<ScoreResult> scores;
    double spearman_norm_brightness_normal = 0;  // within normal test images
    double training_norm_median = 0, training_norm_mad = 0;
    std::vector<std::string> skipped;
    EvalSamples samples;  // per test image: file, label and every score (for ROC curves)
};

EvalResult evaluate_run(const EvalOptions& options);
std::string eval_to_json(const EvalOptions& options, const EvalResult& result);
// Reads an eval's JSON back (for the study's tables).
EvalResult eval_from_json(const std::string& text);

}  // namespace stratum::train
