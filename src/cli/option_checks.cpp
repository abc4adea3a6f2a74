#include "option_checks.h"

#include <sstream>
#include <string>

#include "error.h"

namespace stratum::cli {
namespace {

// The option of `command` a token names ("--name" or "--name=value"), or null.
const CLI::Option* option_named(const CLI::App& command, const std::string& token) {
    if (token.size() < 3 || token.compare(0, 2, "--") != 0) return nullptr;
    return command.get_option_no_throw(token.substr(0, token.find('=')));
}

}  // namespace

void refuse_options_as_values(CLI::App& app, int argc, const char* const* argv) {
    const CLI::App* command = &app;
    int i = 1;
    for (; i < argc; ++i) {  // the subcommand: the first argument that names one
        const std::string name = argv[i];
        const auto found = app.get_subcommands([&](const CLI::App* s) { return s->check_name(name); });
        if (!found.empty()) {
            command = found.front();
            ++i;
            break;
        }
    }
    for (; i + 1 < argc; ++i) {
        const std::string token = argv[i], next = argv[i + 1];
        if (token == "--") return;  // what follows is positional
        const CLI::Option* takes = option_named(*command, token);
        if (takes == nullptr || token.find('=') != std::string::npos || takes->get_items_expected_min() == 0) continue;
        if (option_named(*command, next) == nullptr) continue;
        throw Error(token + " needs a value, but the next argument is the option " + next.substr(0, next.find('=')) +
                    ": give the value right after " + token + " (a value that starts with -- is written " + token + "=--name)");
    }
}

CLI::Validator between(double lo, double hi) {
    std::ostringstream range;
    range << lo << " to " << hi;
    return CLI::Validator(
        [lo, hi](std::string& value) -> std::string {
            double v = 0;
            std::size_t used = 0;
            try {
                v = std::stod(value, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != value.size() || used == 0) return value + " is not a number";
            if (!(v >= lo && v <= hi)) {
                std::ostringstream m;
                m << value << " is outside " << lo << " to " << hi;
                return m.str();
            }
            return "";
        },
        "NUMBER in " + range.str());
}

}  // namespace stratum::cli
