// `stratum study SPEC`: a sweep of training runs and evaluations described by a committed spec file,
// resumable after any stop: finished cells are skipped, a cell in progress continues from its
// checkpoint, every evaluation along a run is kept. Torch-free header.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace stratum::train {

// One network and recipe of a study: its width, and optionally training options that differ from the
// spec's (the recipe search compares these side by side).
struct StudyWidth {
    std::string name;
    int fmap_base = 0, fmap_max = 0, latent = 0;
    int size = 0;                     // image size; 0 = the spec's
    std::string augment = "none";     // ScheduleConfig::augment
    std::int64_t encoder_images = 0;  // ScheduleConfig::encoder_images, after the spec's images
    double rotation_weight = 0.0;     // ScheduleConfig::rotation_weight ("rotation_loss" in the spec)
};

struct StudySpec {
    std::string name;
    std::string dataset_label;  // as tables should name it, e.g. "CIFAR-10 (JPEG copy)"
    std::string train_data, test_data;
    std::string protocol;       // one_class_normal or one_class_anomalous
    std::vector<std::string> classes;        // the class k of each protocol cell
    std::vector<std::string> all_classes;    // every class of the data set
    std::vector<double> contamination;
    std::vector<std::uint64_t> seeds;
    std::string preset = "small";
    int size = 32, channels = 3, batch = 0;
    std::vector<StudyWidth> widths;          // at least one
    std::int64_t images = 0, eval_every = 0;
    std::int64_t normal_limit = 0;           // cap on normal training images (0 = all)
    std::int64_t test_per_class = 0;         // cap on test images per class (0 = all)
};

StudySpec parse_study_spec(const std::string& json_text);  // throws stratum::Error naming the field

struct StudyCell {
    std::string id;  // e.g. "airplane_p0.10_s1_w16"
    std::string cls;
    double contamination;
    std::uint64_t seed;
    StudyWidth width;
    std::vector<std::string> normal, anomalous;
};
std::vector<StudyCell> study_cells(const StudySpec& spec);

struct StudyOptions {
    std::string spec_path;
    std::string out_dir;  // default studies/out/<name>
    int threads = 0;
    std::string commit;   // the build's commit, recorded in each cell's config (and so in its model card)
    std::string device = "auto";
    std::string only;     // run only cells whose id contains this text
    bool dry_run = false; // list the cells and their state, run nothing
};

// Runs (or continues) every cell; returns the number of cells finished.
int run_study(const StudyOptions& options);

}  // namespace stratum::train
