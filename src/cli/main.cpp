// `stratum`: train, export, score, eval, study, split and report (README, "Training and scoring from
// the command line"). main only dispatches: each command lives in its own file (command.h), and every
// number comes from the core (src/core) or the trainer library (src/train).
#include <filesystem>
#include <iostream>
#include <vector>

#include "command.h"
#include "error.h"
#include "option_checks.h"

int main(int argc, char** argv) {
    using namespace stratum;
    CLI::App app{"stratum: anomaly detection from contaminated image data, after Berg, Ahlberg and Felsberg, "
                 "arXiv 1905.11034.\nThe paper's score of an image is the norm of its latent code, ||E(x)||; exported models\n"
                 "also offer the critic-feature distance and the reconstruction error of G(E(x)) (docs/RESULTS.md)."};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("stratum 0.1.0 (") + STRATUM_BUILD_COMMIT + ")");
    std::vector<cli::Command> commands;
#ifdef STRATUM_WITH_TORCH
    commands.push_back(cli::add_train_command(app));
    commands.push_back(cli::add_export_command(app));
    commands.push_back(cli::add_score_command(app));
    commands.push_back(cli::add_eval_command(app));
    commands.push_back(cli::add_study_command(app));
    commands.push_back(cli::add_localise_command(app));
#else
    // Listed all the same, so that asking for one says why it is missing rather than "not expected".
    for (const std::string name : {"train", "export", "score", "eval", "study"}) {
        CLI::App* absent = app.add_subcommand(name, "(needs libtorch, which this build of stratum lacks)");
        absent->allow_extras();
        commands.push_back({absent, [name]() -> int {
                                throw Error(name + " needs libtorch, which this stratum was built without: install libtorch-dev "
                                                   "(or run scripts/setup.sh) and build again");
                            }});
    }
#endif
    commands.push_back(cli::add_split_command(app));
    commands.push_back(cli::add_report_command(app));

    try {
        cli::refuse_options_as_values(app, argc, argv);
    } catch (const Error& e) {
        std::cerr << "stratum: " << e.what() << "\n";
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; every usage error exits 2, as the other argument errors do.
        const int status = app.exit(e);
        return status == 0 ? 0 : 2;
    }
    try {
        for (const cli::Command& c : commands)
            if (c.app->parsed()) return c.run();
    } catch (const Error& e) {
        std::cerr << "stratum: " << e.what() << "\n";
        return 2;
    } catch (const std::filesystem::filesystem_error& e) {
        // A folder that cannot be made or a link that cannot be written: the system's reason and the path.
        std::cerr << "stratum: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
