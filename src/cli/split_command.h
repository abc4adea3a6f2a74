// `stratum split SRC OUT --test F`: a held-out test split for data sets that come without one (PBC).
#pragma once
#include <string>

namespace stratum::cli {

struct SplitOptions {
    std::string source, out;
    double test_fraction = 0.2;
};

// Writes OUT/train/<class>/ and OUT/test/<class>/ as symbolic links to the source files. A file goes to
// the test split when a hash of its bytes falls below the fraction, so byte-identical files (PBC has a
// few, once across two classes) always land in the same split, and the split never depends on order.
int run_split(const SplitOptions& options);

}  // namespace stratum::cli
