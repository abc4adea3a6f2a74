// The model card: the JSON file beside each exported encoder that says how to feed it and how to read
// its output (calibration, projection, provenance). Read by the CLI and the page, written by the trainer.
#pragma once
#include <string>
#include <vector>

#include "gaussian.h"
#include "neighbours.h"
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
    // Training options beyond the preset (ScheduleConfig). Cards made before they were recorded have
    // none (options_recorded false: unknown, and not written back as if known).
    bool options_recorded = false;
    std::string augment = "none";    // "none" or "dihedral" (random flips and quarter turns)
    long long encoder_images = 0;    // images of the f-AnoGAN encoder phase after the GAN (0 = none)
    double rotation_weight = 0.0;    // the critic's self-supervised rotation loss weight (0 = none)
};

// The encoder's widths, so that native tools can rebuild its modules from the ONNX weights.
// Absent from cards of graphs stratum's trainer did not make (such as the tiny test encoder).
struct Architecture {
    bool present = false;
    int fmap_base = 0;
    int fmap_max = 0;
};

// A score beyond the latent norm that the graph computes itself: one value per image at `output`
// (for example the critic-feature distance of the image to its reconstruction G(E(x))). Calibrated
// like the norm, against the same training images.
// A score may instead read a feature vector per image ([N, D] at `output`): its raw value is then the
// distance to the nearest training images in `neighbours` (neighbours.h), or the Mahalanobis distance
// to the training images' Gaussian in `gaussian` (gaussian.h), computed by the core.
struct ExtraScore {
    std::string name;         // "feature", "reconstruction", ...: unique, never "norm"
    std::string output;       // the graph output: one value per image, or D with a neighbour bank
    std::string description;  // one line for people
    Direction direction = Direction::Higher;
    Calibration calibration;
    ThresholdChoice threshold;
    bool has_neighbours = false;
    NeighbourBank neighbours;
    bool has_gaussian = false;  // never with a neighbour bank
    GaussianModel gaussian;
    // Values the graph gives per image for this score: D with a neighbour bank or a Gaussian, else 1.
    std::size_t output_width() const {
        return has_neighbours ? neighbours.dims() : has_gaussian ? gaussian.dims() : 1;
    }
};

// An anomaly map the graph computes per image (issue 19): at each position, how much the image and
// its reconstruction G(E(x)) differ, in pixels or in the critic's features at one resolution. The
// graph's output `output` is [N, 1, height, width] raw residuals (mean over channels of |a - b|);
// the core calibrates them per position against the training images (anomaly_map.h).
struct MapSpec {
    std::string name;         // "pixel", "feature_16", "feature_4", ...: unique
    std::string output;       // the graph output
    std::string description;  // one line for people
    int width = 0, height = 0;  // the map's resolution (at most the input's)
    // Per position, row-major (height x width): the training images' median raw residual, and their
    // spread, 1.4826 x MAD floored at a small fraction of the map's typical MAD (never 0).
    std::vector<double> median, spread;
    // In calibrated units: this quantile, over the training images, of each image's largest
    // calibrated value ("5 % of the training images have a position above it" at 0.95).
    double threshold = 1.0;
    double threshold_quantile = 0.95;
};

struct ModelCard {
    static constexpr int kFormatVersion = 1;
    std::string name;
    std::string description;
    std::string model_file;   // the .onnx file name, relative to the card
    std::string onnx_sha256;  // 64 lowercase hex digits, or empty when unknown
    std::string input_name = "image";
    std::string output_name = "latent";
    InputSpec input;          // input.window: the intensity window the model was trained with
    std::string window_source = "8-bit training images";  // why that window (choose_window)
    int latent_size = 0;
    Direction direction = Direction::Higher;
    Calibration calibration;
    ThresholdChoice threshold;
    bool has_projection = false;
    Projection projection;
    std::vector<ProjectedPoint> projection_sample;
    TrainingFacts training;
    Architecture architecture;
    std::vector<ExtraScore> extra_scores;  // optional; cards of encoder-only graphs have none
    std::string default_score = "norm";    // which score drives the verdict unless the user picks another
    std::vector<MapSpec> maps;             // optional; cards made before maps existed have none
    std::string default_map;               // a name in maps, or empty when there are none
};

// Index of a map in card.maps; throws stratum::Error listing the names the card offers.
int map_index(const ModelCard& card, const std::string& name);

// Every score a card offers, uniformly: the norm first (index 0, from the top-level fields), then the
// extra scores in card order.
struct ScoreSpec {
    std::string name, output, description;
    Direction direction = Direction::Higher;
    Calibration calibration;
    ThresholdChoice threshold;
};
std::vector<ScoreSpec> card_scores(const ModelCard& card);
// Values per image of every extra output together, in card order (the sum of output_width()).
std::size_t extra_outputs_width(const ModelCard& card);
// Index of a score in card_scores(card); throws stratum::Error listing the names the card offers.
int score_index(const ModelCard& card, const std::string& name);

// Parses and validates every field; throws stratum::Error naming the field, e.g.
// "model card: calibration.median: expected a number".
ModelCard parse_model_card(const std::string& json_text);
std::string write_model_card(const ModelCard& card);  // pretty JSON that parse_model_card reads back

}  // namespace stratum
