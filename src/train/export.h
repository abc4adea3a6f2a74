// `stratum export RUN`: the encoder as ONNX (with G and D's trunk riding along for the extra scores,
// unless encoder-only) plus its model card (calibration of each score over the training set, PCA basis
// and sample, provenance). Torch-free header.
#pragma once
#include <string>
#include <vector>

namespace stratum::train {

struct ExportOptions {
    std::string run_dir;
    std::string out_dir;           // default RUN/export
    std::string name;              // card name; default: the run folder's name
    std::string direction = "higher";  // which norms count as anomalous: higher, lower, two_sided
    bool encoder_only = false;         // E alone: the latent norm is the only score
    std::string default_score = "colour";  // which score the card makes the default (norm if encoder_only;
                                           // feature when too few training images give no colour score)
    double threshold_quantile = 0.95;  // default threshold: this quantile of the training scores
    int projection_sample = 500;       // training points kept in the card for the page's plot
    std::string device = "auto";
    int threads = 0;
};

struct ExportResult {
    std::string onnx_path, card_path;
    std::size_t training_images = 0;
};

ExportResult export_run(const ExportOptions& options);

// The scores a full export offers: norm, then score_heads.h's extra scores in card order.
std::vector<std::string> exportable_score_names();

}  // namespace stratum::train
