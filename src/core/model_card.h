// The model card: the JSON file beside each exported encoder that says how to feed it and how to read
// its output (calibration, projection, provenance). Read by the CLI and the page, written by the trainer.
#pragma once
#include <string>
#include <vector>

#include "preprocess.h"
#include "project.h"
#include "score.h"

namespace stratum {

struct ThresholdChoice {
    std::string method = "training_quantile";  // training_quantile | median_plus_k_mad | top_percent
    double parameter = 0.95;                     // q, k or percent, by method
    double value = 0.0;                          // in calibrated-score units
};

struct ProjectedPoint {
    double x = 0, y = 0;  // PCA coordinates
    double norm = 0;      // ||z|| of the training latent
};

struct TrainingFacts {
    std::string dataset;
    std::vector<std::string> normal_classes;
    std::vector<std::string> anomaly_classes;  // classes mixed into training as contamination
    double contamination = 0.0;                  // anomaly share of the training set, in [0, 1)
    long long images_seen = 0;
    long long seed = 0;
    std::string preset;
    std::string commit;
};

// The encoder's widths, so that native tools can rebuild its modules from the ONNX weights.
// Absent from cards of graphs stratum's trainer did not make (such as the tiny test encoder).
struct Architecture {
    bool present = false;
    int fmap_base = 0;
    int fmap_max = 0;
};

struct ModelCard {
    static constexpr int kFormatVersion = 1;
    std::string name;
    std::string description;
    std::string model_file;   // the .onnx file name, relative to the card
    std::string onnx_sha256;  // 64 lowercase hex digits, or empty when unknown
    std::string input_name = "image";
    std::string output_name = "latent";
    InputSpec input;
    int latent_size = 0;
    Direction direction = Direction::Higher;
    Calibration calibration;
    ThresholdChoice threshold;
    bool has_projection = false;
    Projection projection;
    std::vector<ProjectedPoint> projection_sample;
    TrainingFacts training;
    Architecture architecture;
};

// Parses and validates every field; throws stratum::Error naming the field, e.g.
// "model card: calibration.median: expected a number".
ModelCard parse_model_card(const std::string& json_text);
std::string write_model_card(const ModelCard& card);  // pretty JSON that parse_model_card reads back

}  // namespace stratum
