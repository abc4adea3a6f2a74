// One subcommand of `stratum`: each file adds its options to the app and returns what runs it, so
// that main.cpp only dispatches. Commands that need libtorch are declared under STRATUM_WITH_TORCH;
// split and report build without it.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#ifndef STRATUM_BUILD_COMMIT
#define STRATUM_BUILD_COMMIT "unknown"
#endif

namespace stratum::cli {

struct Command {
    CLI::App* app = nullptr;
    // Runs the command once its options are parsed; returns the exit status. Throws stratum::Error,
    // which main prints as "stratum: <message>" with exit status 2.
    std::function<int()> run;
};

Command add_split_command(CLI::App& app);
Command add_report_command(CLI::App& app);
#ifdef STRATUM_WITH_TORCH
Command add_train_command(CLI::App& app);
Command add_export_command(CLI::App& app);
Command add_score_command(CLI::App& app);
Command add_eval_command(CLI::App& app);
Command add_study_command(CLI::App& app);
Command add_localise_command(CLI::App& app);

// Where a command computes: every torch-backed command takes the same two options.
void add_compute_options(CLI::App* command, int& threads, std::string& device);
#endif

}  // namespace stratum::cli
