// `stratum split SRC OUT --test F`: a held-out test split for data sets that come without one (PBC).
// Torch-free.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "command.h"
#include "dataset.h"
#include "error.h"
#include "run_files.h"

namespace stratum::cli {
namespace fs = std::filesystem;

namespace {

struct SplitOptions {
    std::string source, out;
    double test_fraction = 0.2;
};

// FNV-1a, 64 bit: enough to spread files evenly; not a security hash.
std::uint64_t fnv1a(const std::string& bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

// Writes OUT/train/<path> and OUT/test/<path> as symbolic links to the source files, <path> being the
// file's path below SRC, so that nested folders keep their names (and their labels: label_for_path)
// and two files of one name in different folders never meet. A file goes to the test split when a
// hash of its bytes falls below the fraction, so byte-identical files (PBC has a few, once across two
// classes) always land in the same split, and the split never depends on order.
int run_split(const SplitOptions& o) {
    if (!(o.test_fraction > 0 && o.test_fraction < 1)) throw Error("--test must lie in (0, 1), e.g. --test 0.2");
    const train::SourceListing listing = train::list_sources(o.source);
    train::warn_listing_problems(listing, "split");
    if (listing.idx) throw Error(o.source + ": idx data sets come with their own test split (t10k)");
    if (fs::exists(o.out) && !fs::is_empty(o.out)) throw Error(o.out + " exists and is not empty: give a new folder");
    for (const train::ImageSource& s : listing.sources)
        if (s.label.empty())
            throw Error(s.location + ": files must sit in class folders (SRC/<class>/...), this one sits in SRC itself");
    std::map<std::string, std::pair<int, int>> counts;  // class -> (train, test)
    const fs::path root = fs::absolute(o.source);
    for (const train::ImageSource& s : listing.sources) {
        const std::uint64_t h = fnv1a(train::read_text_file(s.location));
        const bool test = static_cast<double>(h % 1000000) < o.test_fraction * 1e6;
        const fs::path below = fs::absolute(s.location).lexically_relative(root);
        if (below.empty() || *below.begin() == "..") throw Error(s.location + ": not below " + o.source + "; refused");
        const fs::path link = fs::path(o.out) / (test ? "test" : "train") / below;
        fs::create_directories(link.parent_path());
        fs::create_symlink(fs::absolute(s.location), link);
        (test ? counts[s.label].second : counts[s.label].first)++;
    }
    for (const auto& [label, c] : counts) std::cout << label << ": " << c.first << " train, " << c.second << " test\n";
    return 0;
}

}  // namespace

Command add_split_command(CLI::App& app) {
    auto o = std::make_shared<SplitOptions>();
    CLI::App* sp = app.add_subcommand("split", "Make a held-out test split of a class-folder data set (as links).");
    sp->footer("Each file goes to OUT/train or OUT/test under its path below SOURCE, by a hash of its bytes:\n"
               "the same files always split alike, and identical files land together. Nothing is copied.");
    sp->add_option("source", o->source, "Folder of class subfolders")->required();
    sp->add_option("out", o->out, "New folder: OUT/train/<class>/..., OUT/test/<class>/...")->required();
    sp->add_option("--test", o->test_fraction, "Share of files in the test split")->capture_default_str();
    return {sp, [o]() { return run_split(*o); }};
}

}  // namespace stratum::cli
