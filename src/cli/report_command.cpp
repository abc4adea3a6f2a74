// `stratum report STUDIES...`: tables and plots from finished study cells (report.h). Torch-free.
#include <iostream>
#include <memory>

#include "command.h"
#include "report.h"

namespace stratum::cli {

Command add_report_command(CLI::App& app) {
    auto o = std::make_shared<train::ReportOptions>();
    CLI::App* rp = app.add_subcommand("report", "Tables and plots from finished study cells.");
    rp->footer("Writes OUT/tables.md (AUROC per class, width and contamination for every score, mean and sd over\n"
               "seeds) and, with gnuplot installed, PNG plots: AUROC against contamination and along training,\n"
               "norm histograms and ROC curves per cell.");
    rp->add_option("studies", o->study_dirs, "Study output folders (studies/out/<name>)")->required();
    rp->add_option("--out", o->out_dir, "Output folder")->capture_default_str();

    return {rp, [o]() {
                std::cout << train::write_report(*o);
                return 0;
            }};
}

}  // namespace stratum::cli
