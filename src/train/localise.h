// `stratum localise`: what the anomaly maps can and cannot localise (issue 19, docs/RESULTS.md). Normal
// test images get synthetic defects pasted in at the model's input size (a patch of another kind of
// image, a dark blob, a dark scratch; sizes in input pixels), and every map the networks can make
// (pixels and the critic's features at each resolution; map_heads.h), calibrated on the training
// images as an export calibrates the card's maps, is scored against the defect's mask: pixel-level
// AUROC (all pixels of all defective images pooled) and how often the map's maximum falls on the
// defect. A model-free yardstick, each pixel's robust z-score against the training images at that
// position, is scored the same way. Torch-free header.
#pragma once
#include <string>
#include <vector>

namespace stratum::train {

struct LocaliseOptions {
    std::string model;      // a .onnx with its card (or a folder holding one), or a run folder
    std::string normal;     // folder of normal test images (defects are pasted into these)
    std::string other;      // folder of images of another kind (the patches' source)
    std::string calibrate;  // the training images: a folder, or a run's training_set.tsv
    int images = 300;       // normal images used (the first, in sorted order)
    std::vector<int> sizes{4, 8, 16};  // defect sizes in input pixels at 32 px (scaled with the input size)
    unsigned long long seed = 1;
    std::string out;        // JSON with every figure; "" = none
    int threads = 0;
    std::string device = "auto";
};

struct LocaliseCell {
    std::string defect;  // patch, blob, scratch
    int size = 0;        // input pixels
    std::string map;     // a map's name, or "pixel_deviation" (the yardstick)
    double pixel_auroc = 0;
    double hit_rate = 0;      // share of images whose map maximum lies on the defect
    double chance_hit = 0;    // the defect's mean share of the image: a random maximum's hit rate
};

// Prints a table as it goes and returns every cell. Throws stratum::Error for unreadable inputs.
std::vector<LocaliseCell> run_localise(const LocaliseOptions& options);

}  // namespace stratum::train
