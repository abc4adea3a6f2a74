#include "dataset.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "error.h"
#include "image.h"
#include "results.h"

namespace stratum::train {
namespace fs = std::filesystem;

namespace {

bool has_image_extension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* known : {".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".tga", ".gif", ".tif", ".tiff"})
        if (ext == known) return true;
    return false;
}

// "" when the file's first bytes are those of a supported image, else the reason it is not one.
std::string why_not_an_image(const fs::path& p) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(p, ec);
    if (ec) return "cannot read the file: " + ec.message();
    std::ifstream in(p, std::ios::binary);
    if (!in) return "cannot open the file";
    std::vector<std::uint8_t> start(static_cast<std::size_t>(std::min<std::uintmax_t>(size, 64 * 1024)));
    in.read(reinterpret_cast<char*>(start.data()), static_cast<std::streamsize>(start.size()));
    try {
        check_file_start(start.data(), start.size(), size);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// Recursive listing that follows symlinked folders (labs link data in) but lists each folder once:
// a link back up the tree is reported, not walked forever. What cannot be listed is reported too.
void walk_folder(const fs::path& folder, const fs::path& root, std::set<std::pair<dev_t, ino_t>>& visited,
                 SourceListing& listing) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) == 0 && !visited.insert({info.st_dev, info.st_ino}).second) {
        listing.problems.push_back({folder.string(), "symbolic link loop: this folder is already being listed"});
        return;
    }
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    if (ec) {
        listing.problems.push_back({folder.string(), "cannot open the folder: " + ec.message()});
        return;
    }
    std::vector<fs::path> folders;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            listing.problems.push_back({folder.string(), "cannot read the folder: " + ec.message()});
            break;
        }
        const fs::path& p = it->path();
        if (p.filename().string().front() == '.') continue;  // hidden files and folders
        const fs::file_status status = fs::status(p, ec);    // follows links
        if (ec) {
            if (has_image_extension(p) || it->is_symlink())
                listing.problems.push_back({p.string(), ec == std::errc::too_many_symbolic_link_levels
                                                            ? "symbolic link loop: " + ec.message()
                                                        : it->is_symlink() ? "broken symbolic link: " + ec.message()
                                                                           : ec.message()});
            continue;
        }
        if (fs::is_directory(status)) {
            folders.push_back(p);
        } else {
            if (!fs::is_regular_file(status)) {
                listing.problems.push_back({p.string(), "not a regular file"});
                continue;
            }
            // Files are judged by their content: an image extension is a hint (the decoder checks
            // the bytes); any other file is opened, and left out with the reason unless it is an image.
            if (!has_image_extension(p)) {
                const std::string why = why_not_an_image(p);
                if (!why.empty()) {
                    listing.problems.push_back({p.string(), why, true});
                    continue;
                }
            }
            listing.sources.push_back({p.string(), label_for_path(p.lexically_relative(root).generic_string())});
        }
    }
    for (const fs::path& sub : folders) walk_folder(sub, root, visited, listing);
}

std::uint64_t splitmix(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Reads a whole (optionally gzip-compressed) file; zlib reads plain files transparently.
std::vector<std::uint8_t> read_gz(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw Error("cannot open " + path);
    std::vector<std::uint8_t> data;
    std::uint8_t buffer[1 << 16];
    int n;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0) data.insert(data.end(), buffer, buffer + n);
    const bool failed = n < 0;
    gzclose(f);
    if (failed) throw Error(path + ": corrupt gzip data");
    return data;
}

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::string idx_file(const std::string& dir, const std::string& name) {
    for (const char* suffix : {"", ".gz"}) {
        const fs::path p = fs::path(dir) / (name + suffix);
        if (fs::exists(p)) return p.string();
    }
    return "";
}

// One idx image set, cached per path so a listing and a load read it once.
struct IdxData {
    int rows = 0, cols = 0;
    std::vector<std::uint8_t> images;  // count x rows x cols
    std::vector<std::uint8_t> labels;
};

const IdxData& read_idx(const std::string& images_path, const std::string& labels_path) {
    static std::mutex mutex;
    static std::map<std::string, IdxData> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(images_path);
    if (it != cache.end()) return it->second;
    IdxData d;
    const std::vector<std::uint8_t> im = read_gz(images_path), lb = read_gz(labels_path);
    if (im.size() < 16 || be32(im.data()) != 0x00000803) throw Error(images_path + ": not an idx3 image file");
    if (lb.size() < 8 || be32(lb.data()) != 0x00000801) throw Error(labels_path + ": not an idx1 label file");
    const std::uint32_t n = be32(im.data() + 4);
    d.rows = static_cast<int>(be32(im.data() + 8));
    d.cols = static_cast<int>(be32(im.data() + 12));
    if (be32(lb.data() + 4) != n) throw Error(labels_path + ": label count differs from image count");
    if (im.size() != 16 + static_cast<std::size_t>(n) * d.rows * d.cols || lb.size() != 8 + n)
        throw Error(images_path + ": truncated idx file");
    d.images.assign(im.begin() + 16, im.end());
    d.labels.assign(lb.begin() + 8, lb.end());
    return cache.emplace(images_path, std::move(d)).first->second;
}

const IdxData& idx_for(const std::string& location, std::size_t& index) {
    const std::size_t hash = location.rfind('#');
    index = std::stoul(location.substr(hash + 1));
    const std::string images = location.substr(0, hash);
    std::string labels = images;
    labels.replace(labels.find("images-idx3"), 11, "labels-idx1");
    return read_idx(images, labels);
}

// Every image of a source, resized to size x size: one for most files, one per page for a TIFF stack.
std::vector<Image> decode_source(const ImageSource& source, int channels, int size, Fit fit) {
    std::vector<Image> images;
    if (source.location.find('#') != std::string::npos && source.location.find("idx3-ubyte") != std::string::npos) {
        std::size_t index = 0;
        const IdxData& d = idx_for(source.location, index);
        Image gray;
        gray.width = d.cols;
        gray.height = d.rows;
        gray.channels = channels;
        const std::size_t plane = static_cast<std::size_t>(d.rows) * d.cols;
        const std::uint8_t* p = d.images.data() + index * plane;
        for (std::size_t i = 0; i < plane; ++i)
            for (int c = 0; c < channels; ++c) gray.pixels.push_back(p[i]);
        images.push_back(resize_image(gray, size, size, fit));
        return images;
    }
    const std::vector<std::uint8_t> bytes = read_image_file(source.location);
    decode_pages(bytes.data(), bytes.size(), channels,
                 [&](Image&& image, int, int) { images.push_back(resize_image(image, size, size, fit)); });
    return images;
}

}  // namespace

const std::vector<std::string>& fashion_mnist_classes() {
    static const std::vector<std::string> names = {"t-shirt", "trouser", "pullover", "dress", "coat",
                                                   "sandal",  "shirt",   "sneaker",  "bag",   "ankle-boot"};
    return names;
}

SourceListing list_sources(const std::string& path, const std::string& split) {
    SourceListing listing;
    std::error_code ec;
    if (!fs::is_directory(path, ec)) throw Error(path + ": not a folder");
    const std::string images = idx_file(path, split + "-images-idx3-ubyte");
    const std::string labels = idx_file(path, split + "-labels-idx1-ubyte");
    if (!images.empty() && !labels.empty()) {
        const IdxData& d = read_idx(images, labels);
        listing.idx = true;
        for (std::size_t i = 0; i < d.labels.size(); ++i) {
            const std::uint8_t label = d.labels[i];
            if (label >= fashion_mnist_classes().size()) throw Error(labels + ": label out of range");
            listing.sources.push_back({images + "#" + std::to_string(i), fashion_mnist_classes()[label]});
        }
    } else {
        std::set<std::pair<dev_t, ino_t>> visited;
        walk_folder(fs::path(path), fs::path(path), visited, listing);
        std::sort(listing.sources.begin(), listing.sources.end(),
                  [](const ImageSource& a, const ImageSource& b) { return a.location < b.location; });
    }
    if (listing.sources.empty()) throw Error(path + ": no images found (PNG, JPEG, TIFF, BMP, GIF, TGA, or idx files)");
    std::set<std::string> classes;
    for (const ImageSource& s : listing.sources) classes.insert(s.label);
    listing.classes.assign(classes.begin(), classes.end());
    return listing;
}

void warn_listing_problems(const SourceListing& listing, const std::string& command) {
    for (const ListingProblem& p : listing.problems)
        std::cerr << "stratum " << command << ": left out " << p.location << ": " << p.message << "\n";
}

void shuffle_indices(std::vector<std::size_t>& v, std::uint64_t seed) {
    std::uint64_t state = seed;
    for (std::size_t i = v.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(splitmix(state) % i);
        std::swap(v[i - 1], v[j]);
    }
}

std::vector<ImageSource> subsample(std::vector<ImageSource> sources, std::size_t keep, std::uint64_t seed) {
    if (keep == 0 || sources.size() <= keep) return sources;
    std::vector<std::size_t> order(sources.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    shuffle_indices(order, seed);
    order.resize(keep);
    std::sort(order.begin(), order.end());
    std::vector<ImageSource> kept;
    for (std::size_t i : order) kept.push_back(sources[i]);
    return kept;
}

TrainingSelection select_training_set(const SourceListing& listing, const DataConfig& data, std::uint64_t seed) {
    auto check_classes = [&](const std::vector<std::string>& names) {
        for (const std::string& n : names)
            if (!std::binary_search(listing.classes.begin(), listing.classes.end(), n)) {
                std::string known;
                for (const std::string& c : listing.classes) known += (known.empty() ? "" : ", ") + c;
                throw Error("class \"" + n + "\" is not in the data (classes: " + known + ")");
            }
    };
    check_classes(data.normal);
    check_classes(data.contaminate_with);
    auto in = [](const std::vector<std::string>& names, const std::string& label) {
        return std::find(names.begin(), names.end(), label) != names.end();
    };
    TrainingSelection sel;
    std::vector<ImageSource> anomalies;
    for (const ImageSource& s : listing.sources) {
        if (in(data.contaminate_with, s.label)) anomalies.push_back(s);
        else if (data.normal.empty() || in(data.normal, s.label)) sel.normal.push_back(s);
    }
    if (data.limit > 0) sel.normal = subsample(std::move(sel.normal), static_cast<std::size_t>(data.limit), seed ^ 0x4E4F524D414Cull);
    if (sel.normal.empty()) throw Error("no normal images selected");
    if (data.contamination > 0.0) {
        const double p = data.contamination;
        const std::size_t want =
            static_cast<std::size_t>(std::llround(p * static_cast<double>(sel.normal.size()) / (1.0 - p)));
        if (want > anomalies.size())
            throw Error("contamination " + std::to_string(p) + " needs " + std::to_string(want) +
                        " anomalous images, the classes have " + std::to_string(anomalies.size()));
        std::vector<std::size_t> order(anomalies.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        shuffle_indices(order, seed ^ 0x434F4E54414Dull);
        order.resize(want);
        std::sort(order.begin(), order.end());
        for (std::size_t i : order) sel.contamination.push_back(anomalies[i]);
    }
    return sel;
}

std::vector<std::uint8_t> read_image_file(const std::string& path, const DecodeLimits& limits) {
    errno = 0;
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(std::string("cannot open the file: ") + (errno ? std::strerror(errno) : "unknown error"));
    const std::uint64_t size = static_cast<std::uint64_t>(in.tellg());
    in.seekg(0);
    // The start first: a non-image or an oversized one is refused before the rest is read.
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::min<std::uint64_t>(size, 64 * 1024)));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    check_file_start(bytes.data(), bytes.size(), size, limits);
    bytes.resize(static_cast<std::size_t>(size));
    const std::size_t start = std::min<std::size_t>(bytes.size(), 64 * 1024);
    in.read(reinterpret_cast<char*>(bytes.data()) + start, static_cast<std::streamsize>(bytes.size() - start));
    if (static_cast<std::uint64_t>(in.gcount()) + start != size && size > start) throw Error("the file could not be read whole");
    return bytes;
}

ImageSet load_images(const std::vector<ImageSource>& sources, int size, int channels, int threads,
                     const WindowChoice& window, const Progress& progress) {
    const std::size_t n = sources.size();
    std::vector<std::vector<Image>> decoded(n);
    std::vector<std::string> errors(n);
    std::atomic<std::size_t> next{0}, done{0};
    const Fit fit = Fit::CenterCrop;
    auto work = [&]() {
        for (std::size_t i; (i = next++) < n;) {
            try {
                decoded[i] = decode_source(sources[i], channels, size, fit);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
            ++done;
        }
    };
    const int workers = std::max(1, threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (int t = 0; t < workers; ++t) pool.emplace_back(work);
    while (progress && done.load() < n) {
        progress(done.load(), n);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    for (std::thread& t : pool) t.join();
    if (progress) progress(n, n);

    ImageSet set;
    set.size = size;
    set.channels = channels;
    set.window = window.window;
    set.window_source = window.source;
    if (window.choose) {
        std::vector<Image> all;
        for (std::vector<Image>& pages : decoded)
            for (Image& page : pages) all.push_back(page);
        if (!all.empty()) {
            const ChosenWindow chosen = choose_window(all);
            set.window = chosen.window;
            set.window_source = chosen.source;
        }
    }
    const std::size_t per = static_cast<std::size_t>(channels) * size * size;
    for (std::size_t i = 0; i < n; ++i) {
        if (!errors[i].empty()) {
            set.skipped.push_back(sources[i].location + ": " + errors[i]);
            continue;
        }
        const int pages = static_cast<int>(decoded[i].size());
        for (int k = 0; k < pages; ++k) {
            const Image& image = decoded[i][static_cast<std::size_t>(k)];
            const std::vector<float> values = to_chw_float(image, set.window);
            if (values.size() != per) throw Error("internal: an image of the wrong size in load_images");
            set.values.insert(set.values.end(), values.begin(), values.end());
            ImageSource source = sources[i];
            source.location = page_name(source.location, k, pages);
            if (!window_note(fit_in_window(image, set.window), set.window).empty()) ++set.outside_window;  // not the decoder's notes
            set.sources.push_back(std::move(source));
        }
        decoded[i].clear();
    }
    return set;
}

}  // namespace stratum::train
