// Scans a source tree for breaches of the module boundaries (DESIGN.md, rules of the house 1-3).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mercato::arch {

struct Violation {
    std::string rule;
    std::string file;  // relative to the scanned root, '/'-separated
    int line;          // 1-based
    std::string text;  // the offending source line, trimmed
};

// Boost.Beast included by a file under src/ but outside src/http/.
std::vector<Violation> beast_outside_http(const std::filesystem::path& root);

// A module including another module's files other than its api/ folder, or
// src/kernel or src/http including any module file at all.
std::vector<Violation> module_internals(const std::filesystem::path& root);

// SQL in a module's code (src/modules/<m>) or migrations (migrations/<m>)
// that names another module's schema as `<other>.<identifier>`.
std::vector<Violation> foreign_schema_sql(const std::filesystem::path& root);

// A string literal in a module's code that spells another module's topic ("orders.created" in
// src/modules/payments): a subscriber names it by the constant in the publisher's api/events.hpp.
std::vector<Violation> foreign_topic_literals(const std::filesystem::path& root);

// One "file:line: text" line per violation, for a failure message.
std::string describe(const std::vector<Violation>& violations);

}  // namespace mercato::arch
