// Checks of command-line arguments that CLI11 does not make itself, shared by every command.
#pragma once
#include <CLI/CLI.hpp>

namespace stratum::cli {

// Refuses, before parsing, an option that takes a value followed by one of its command's own
// options, as in `stratum score m.onnx a.png --maps --threads 1`: CLI11 would take "--threads" as the
// folder (and write into ./--threads). Throws stratum::Error naming both and the way out (a value
// that does start with "--" is written --maps=--name).
void refuse_options_as_values(CLI::App& app, int argc, const char* const* argv);

// A validator of a number in [lo, hi] whose message prints the bounds as given ("2 is outside 0 to
// 1"), not with six decimals as CLI::Range does.
CLI::Validator between(double lo, double hi);

}  // namespace stratum::cli
