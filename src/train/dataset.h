// Reading training and test images: folders of class subfolders (CIFAR-10 and PBC as they extract)
// and Fashion-MNIST's idx files, decoded and resized by the core. Torch-free.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config.h"
#include "image.h"
#include "intensity.h"
#include "preprocess.h"

namespace stratum::train {

// Where one image comes from: a file, or an entry of an idx file ("path#index").
struct ImageSource {
    std::string location;
    std::string label;  // class name (label_for_path); "" when the file sits directly in the data folder
};

// An entry that could not be listed (an unreadable folder, a broken link, a link loop), or a file
// that is no image (not_an_image: its first bytes are no supported format's).
struct ListingProblem {
    std::string location, message;
    bool not_an_image = false;
};

struct SourceListing {
    std::vector<ImageSource> sources;  // sorted by location
    std::vector<ListingProblem> problems;
    std::vector<std::string> classes;  // sorted, every label found
    bool idx = false;                  // a Fashion-MNIST style idx folder
};

// Lists a folder recursively (each file's label, its class, by label_for_path: the nearest folder
// named with a label word, else the first-level subfolder; every file whose content
// is a supported image, whatever its extension, while the others go to `problems` with the reason;
// hidden files, whose names start with a dot, are passed over; symlinked folders are followed, each
// folder listed once; entries that cannot be listed go to `problems`) or an idx folder. Throws stratum::Error when the path does not exist or
// holds no images.
SourceListing list_sources(const std::string& path, const std::string& split = "train");
// "stratum COMMAND: left out LOCATION: MESSAGE" on stderr for each problem of the listing.
void warn_listing_problems(const SourceListing& listing, const std::string& command);

// Images in memory, CHW float through `window` (the network's [-1, 1] units), all at one size. A
// multi-page TIFF gives one image per page, its source named "FILE [page 3/12]" (page_name).
struct ImageSet {
    int size = 0;
    int channels = 0;
    IntensityWindow window;
    std::string window_source;
    std::vector<float> values;         // count() x channels x size x size
    std::vector<ImageSource> sources;  // one per image
    std::vector<std::string> skipped;  // "location: reason" for each file that could not be read
    std::size_t outside_window = 0;    // images with a window note (samples outside it, or too dark)
    std::size_t count() const { return sources.size(); }
    const float* image(std::size_t i) const { return values.data() + i * static_cast<std::size_t>(channels) * size * size; }
};

// How load_images maps samples: `window` as given, or (choose) the window the images imply
// (choose_window: the training set), recorded in the ImageSet.
struct WindowChoice {
    bool choose = false;
    IntensityWindow window;
    std::string source = "8-bit training images";
};

using Progress = std::function<void(std::size_t done, std::size_t total)>;

// A file's bytes, its first 64 KiB checked (check_file_start) before the rest is read.
std::vector<std::uint8_t> read_image_file(const std::string& path, const DecodeLimits& limits = {});

// Decodes and resizes `sources` (centre crop, the core's filters) with `threads` workers, then maps
// them through the window. Unreadable files are skipped and listed, never fatal.
ImageSet load_images(const std::vector<ImageSource>& sources, int size, int channels, int threads,
                     const WindowChoice& window = {}, const Progress& progress = nullptr);

// The training set of the study protocol (docs/RESULTS.md, "Protocol"): every image of the normal classes (or `limit` of them), plus
// round(p N / (1 - p)) images drawn without replacement from the contamination classes, so that p is
// the anomaly share of the result. Deterministic for a seed. Throws when a class is unknown or too
// few anomalies exist.
struct TrainingSelection {
    std::vector<ImageSource> normal;
    std::vector<ImageSource> contamination;
};
TrainingSelection select_training_set(const SourceListing& listing, const DataConfig& data, std::uint64_t seed);

// A deterministic shuffle (Fisher-Yates over SplitMix64): the same on every platform and compiler.
void shuffle_indices(std::vector<std::size_t>& indices, std::uint64_t seed);

// `keep` of the sources, chosen by a seeded shuffle, in their original order (all when keep is 0 or
// not smaller than their number).
std::vector<ImageSource> subsample(std::vector<ImageSource> sources, std::size_t keep, std::uint64_t seed);

// Class names of Fashion-MNIST, by label.
const std::vector<std::string>& fashion_mnist_classes();

}  // namespace stratum::train
