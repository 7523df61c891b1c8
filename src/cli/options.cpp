#include "cli/options.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mercato::cli {

std::optional<std::string> ParsedOptions::get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

ParsedOptions parse_options(const std::string& command, const std::vector<OptionSpec>& specs,
                            const std::vector<std::string>& args) {
    ParsedOptions parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            parsed.help = true;
            continue;
        }
        if (!arg.starts_with("--")) throw UsageError(fmt::format("{}: unexpected argument '{}'", command, arg));
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == name; });
        if (spec == specs.end()) throw UsageError(fmt::format("{}: unknown option '--{}'", command, name));
        if (spec->value_name.empty()) {
            if (inline_value) throw UsageError(fmt::format("{}: option '--{}' takes no value", command, name));
            parsed.values[name] = "";
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= args.size()) throw UsageError(fmt::format("{}: option '--{}' needs a value", command, name));
            inline_value = args[++i];
        }
        parsed.values[name] = *inline_value;
    }
    return parsed;
}

std::string help_text(const std::string& usage, const std::string& summary, const std::vector<OptionSpec>& specs) {
    std::string out = fmt::format("Usage: {}\n\n{}\n\nOptions:\n", usage, summary);
    for (const auto& s : specs) {
        const std::string left = s.value_name.empty() ? "--" + s.name : fmt::format("--{} {}", s.name, s.value_name);
        out += fmt::format("  {:<24} {}\n", left, s.help);
    }
    out += fmt::format("  {:<24} {}\n", "--help", "show this help");
    return out;
}

std::vector<OptionSpec> common_options() {
    return {
        {"db", "URL", "database: sqlite:DIR (default sqlite:./data) or postgresql://user@host:port/db [MERCATO_DB]"},
        {"config", "FILE", "configuration file (default config/mercato.toml when present) [MERCATO_CONFIG]"},
    };
}

}  // namespace mercato::cli
