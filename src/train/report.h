// `stratum report`: tables (Markdown) and plots (gnuplot PNG) from finished study cells.
// Torch-free header.
#pragma once
#include <string>
#include <vector>

namespace stratum::train {

struct ReportOptions {
    std::vector<std::string> study_dirs;  // studies/out/<name>
    std::string out_dir = "docs/results";
    bool plots = true;                    // run gnuplot (when installed) on the written data files
};

// Returns the Markdown it wrote (one section per study), for the caller to print.
std::string write_report(const ReportOptions& options);

}  // namespace stratum::train
