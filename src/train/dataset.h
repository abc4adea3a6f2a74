// Reading training and test images: folders of class subfolders (CIFAR-10 and PBC as they extract)
// and Fashion-MNIST's idx files, decoded and resized by the core. Torch-free.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config.h"
#include "preprocess.h"

namespace stratum::train {

// Where one image comes from: a file, or an entry of an idx file ("path#index").
struct ImageSource {
    std::string location;
    std::string label;  // class name; "" when the file sits directly in the data folder
};

// An entry that could not be listed: an unreadable folder, a broken link, a link loop.
struct ListingProblem {
    std::string location, message;
};

struct SourceListing {
    std::vector<ImageSource> sources;  // sorted by location
    std::vector<ListingProblem> problems;
    std::vector<std::string> classes;  // sorted, every label found
    bool idx = false;                  // a Fashion-MNIST style idx folder
};

// Lists a folder recursively (the first-level subfolder names the class; files with an image
// extension only; symlinked folders are followed, each folder listed once; entries that cannot be
// listed go to `problems`) or an idx folder. Throws stratum::Error when the path does not exist or
// holds no images.
SourceListing list_sources(const std::string& path, const std::string& split = "train");
// "stratum COMMAND: left out LOCATION: MESSAGE" on stderr for each problem of the listing.
void warn_listing_problems(const SourceListing& listing, const std::string& command);

// Images in memory, CHW uint8, all at one size.
struct ImageSet {
    int size = 0;
    int channels = 0;
    std::vector<std::uint8_t> pixels;  // count() x channels x size x size
    std::vector<ImageSource> sources;  // one per image
    std::vector<std::string> skipped;  // "location: reason" for each file that could not be read
    std::size_t count() const { return sources.size(); }
    const std::uint8_t* image(std::size_t i) const {
        return pixels.data() + i * static_cast<std::size_t>(channels) * size * size;
    }
};

using Progress = std::function<void(std::size_t done, std::size_t total)>;

// Decodes and resizes `sources` (centre crop, the core's filters) with `threads` workers.
// Unreadable files are skipped and listed, never fatal.
ImageSet load_images(const std::vector<ImageSource>& sources, int size, int channels, int threads,
                     const Progress& progress = nullptr);

// The training set of DESIGN section 5: every image of the normal classes (or `limit` of them), plus
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
