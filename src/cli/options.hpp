// Command-line options of the mercato subcommands: parsing, help text and usage errors.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mercato::cli {

// Wrong words on the command line: reported in one line, exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;  // without the leading "--"
    std::string value_name;  // empty for a flag without a value
    std::string help;
};

struct ParsedOptions {
    bool help = false;
    std::map<std::string, std::string> values;  // flags without a value map to ""

    std::optional<std::string> get(const std::string& name) const;
};

// Accepts --name value, --name=value and --help/-h; throws UsageError for anything else.
ParsedOptions parse_options(const std::string& command, const std::vector<OptionSpec>& specs,
                            const std::vector<std::string>& args);

std::string help_text(const std::string& usage, const std::string& summary, const std::vector<OptionSpec>& specs);

// --db and --config, which every subcommand takes.
std::vector<OptionSpec> common_options();

}  // namespace mercato::cli
