// Everything a training run is: networks, data, schedule. Torch-free, so the CLI can parse and print
// it without compiling libtorch headers. Saved as config.json in the run folder.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace stratum::train {

// Widths follow the progressive-growing GAN: a layer at resolution 4 * 2^(s-1) has
// min(fmap_base / 2^s, fmap_max) channels.
struct NetConfig {
    int resolution = 32;  // final image size (square), a power of two >= 4
    int channels = 3;     // 1 gray or 3 RGB
    int fmap_base = 256;
    int fmap_max = 64;
    int latent = 128;
    int width_at(int resolution) const;  // channels of the layers working at that resolution
    int stages() const;                  // 1 for 4x4, 2 for 8x8, ...
};

struct DataConfig {
    std::string path;                       // a folder of class subfolders, or a Fashion-MNIST idx folder
    std::string split = "train";            // for idx folders: train or t10k
    std::vector<std::string> normal;        // class names; empty = every class
    std::vector<std::string> contaminate_with;  // anomaly classes mixed into training
    double contamination = 0.0;             // anomaly share of the final training set, in [0, 1)
    std::int64_t limit = 0;                 // use at most this many normal images (0 = all)
    std::string input_range;                // "LO:HI", sample values as stored (--input-range); "" = chosen
                                            // from the training images (choose_window)
};

struct ScheduleConfig {
    std::int64_t images = 500000;          // length of the run in images shown to the critic
    bool progressive = false;              // grow from 4x4 with fade-in phases
    std::int64_t fade_images = 600000;     // per resolution, when progressive
    std::int64_t stable_images = 600000;   // per resolution, when progressive
    int batch = 0;                         // 0 = by resolution: 128 up to 16 px, 64 at 32 px, 32 above
    double learning_rate = 0.001;
    double ema_beta = 0.999;              // ceiling; warmed up as (1 + t) / (10 + t) over steps t
    std::int64_t checkpoint_every = 20000;  // images between checkpoints
    std::int64_t sample_every = 50000;      // images between sample grids
    std::int64_t log_every = 2000;          // images between log lines
    // Real training images as the networks see them (the critic, and E in the encoder phase): "none", or
    // "dihedral" (each image flipped and turned by a multiple of 90 degrees at random: for data without a
    // preferred orientation, such as cells).
    std::string augment = "none";
    // After the GAN's `images`, this many images of an encoder-only phase on the real training images
    // (Schlegl et al., f-AnoGAN, Medical Image Analysis 2019, "izi_f"): G_ema and D frozen, E trained to
    // minimise mean (x - G_ema(E(x)))^2 + encoder_feature_weight * mean (f(x) - f(G_ema(E(x))))^2,
    // f = the critic trunk's 4x4 features. 0 = the paper's E only (trained on G(z), never on real images).
    std::int64_t encoder_images = 0;
    double encoder_feature_weight = 1.0;
    // Self-supervised rotation loss in the critic (Chen et al., CVPR 2019): > 0 gives the critic a head
    // that predicts the quarter turn of real images, with this weight in its loss (their beta; G's term
    // is 0.2 of it). 0 = none (the paper's GAN). Needs augment "none": dihedral augmentation already
    // turns the training images.
    double rotation_weight = 0.0;
    std::int64_t total_images() const { return images + encoder_images; }
};

struct TrainConfig {
    std::string preset = "quick";
    NetConfig net;
    DataConfig data;
    ScheduleConfig schedule;
    std::uint64_t seed = 1;
    int threads = 0;  // 0 = all cores
    std::string device = "auto";  // auto, cpu, cuda
    std::string commit;           // source revision the run was started from
    // Processes that train the run together (docs/DISTRIBUTED.md): each takes schedule.batch / world_size
    // rows of every batch, so the batch stays the run's effective (global) batch. Recorded in config.json.
    int world_size = 1;
    // Machine-specific, not saved: how long a rank waits for the others before it names the one that
    // stopped answering (--rank-timeout).
    int rank_timeout = 120;
};

// "quick" (the default recipe: w8 nets, 60k images, minutes on a CPU), "small" (64/64/32/16 channels,
// 500k images) or "paper" (fmap 8192/512, latent 512, progressive). Throws on others.
TrainConfig preset_config(const std::string& name);
const std::vector<std::string>& preset_names();

int batch_for_resolution(const ScheduleConfig& schedule, int resolution);

// Where a run stands after `images` images: the resolution being trained and the fade-in weight of
// its newest layers (1 = fully faded in). Without progressive growing: the final resolution, alpha 1.
// From schedule.images on: the encoder-only phase at the final resolution, with an index of its own.
struct Phase {
    int stage = 1;  // resolution = 4 << (stage - 1)
    double alpha = 1.0;
    int index = 0;  // phases counted from 0; a new index means new optimiser state
    bool encoder_only = false;  // the f-AnoGAN encoder phase after the GAN's images (ScheduleConfig)
    int resolution() const { return 4 << (stage - 1); }
};
Phase phase_at(const TrainConfig& config, std::int64_t images);

std::string to_json(const TrainConfig& config);
TrainConfig config_from_json(const std::string& text);  // throws stratum::Error with the field name
void validate(const TrainConfig& config);                // throws stratum::Error on any bad value

}  // namespace stratum::train
