// `stratum study SPEC`: runs (or continues) a sweep of training runs and their evaluations (study.h).
#include <iostream>
#include <memory>

#include "command.h"
#include "study.h"
#include "train.h"

namespace stratum::cli {

Command add_study_command(CLI::App& app) {
    auto o = std::make_shared<train::StudyOptions>();
    CLI::App* st = app.add_subcommand("study", "Run (or continue) a sweep described by a study spec file.");
    st->footer("Each cell (class x contamination x seed x width) trains a run and evaluates it every eval_every\n"
               "images; finished cells are skipped, a cell in progress continues from its checkpoint.\n"
               "Results: OUT/cells/<cell>/result.json (AUROC curve and final evaluation).");
    st->add_option("spec", o->spec_path, "Study spec (JSON), e.g. studies/cifar10-ocn.json")->required();
    st->add_option("--out", o->out_dir, "Output folder (default studies/out/<name>)");
    st->add_option("--only", o->only, "Run only cells whose id contains this text");
    st->add_flag("--dry-run", o->dry_run, "List the cells and their state; run nothing");
    add_compute_options(st, o->threads, o->device);

    return {st, [o]() {
                o->commit = STRATUM_BUILD_COMMIT;
                const int done = train::run_study(*o);
                std::cerr << "stratum study: " << done << " cells finished\n";
                return train::stop_requested() ? 130 : 0;  // stopped by a signal: not done, run it again
            }};
}

}  // namespace stratum::cli
