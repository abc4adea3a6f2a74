#include "split_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "dataset.h"
#include "error.h"
#include "run_files.h"

namespace stratum::cli {
namespace fs = std::filesystem;

namespace {
// FNV-1a, 64 bit: enough to spread files evenly; not a security hash.
std::uint64_t fnv1a(const std::string& bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    return h;
}
}  // namespace

int run_split(const SplitOptions& o) {
    if (!(o.test_fraction > 0 && o.test_fraction < 1)) throw Error("--test must lie in (0, 1)");
    const train::SourceListing listing = train::list_sources(o.source);
    train::warn_listing_problems(listing, "split");
    if (listing.idx) throw Error(o.source + ": idx data sets come with their own test split (t10k)");
    if (fs::exists(o.out) && !fs::is_empty(o.out)) throw Error(o.out + " exists and is not empty");
    std::map<std::string, std::pair<int, int>> counts;  // class -> (train, test)
    for (const train::ImageSource& s : listing.sources) {
        if (s.label.empty()) throw Error(s.location + ": files must sit in class folders");
        const std::uint64_t h = fnv1a(train::read_text_file(s.location));
        const bool test = static_cast<double>(h % 1000000) < o.test_fraction * 1e6;
        const fs::path dir = fs::path(o.out) / (test ? "test" : "train") / s.label;
        fs::create_directories(dir);
        fs::create_symlink(fs::absolute(s.location), dir / fs::path(s.location).filename());
        (test ? counts[s.label].second : counts[s.label].first)++;
    }
    for (const auto& [label, c] : counts)
        std::cout << label << ": " << c.first << " train, " << c.second << " test\n";
    return 0;
}

}  // namespace stratum::cli
