#include "boundary_check.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace mercato::arch {
namespace {

namespace fs = std::filesystem;

// Modules that exist by design, so a reference to one is caught even before
// its directory is written.
constexpr std::array<std::string_view, 8> designed_modules{
    "users", "catalog", "orders", "payments", "shipping", "notifications", "analytics", "search"};

// Words whose presence makes a string literal count as SQL; topic names and
// log messages rarely contain them as whole words.
constexpr std::array<std::string_view, 11> sql_keywords{
    "SELECT", "INSERT", "UPDATE", "DELETE", "FROM", "JOIN", "INTO", "TABLE", "REFERENCES", "ALTER", "CREATE"};

bool is_cpp(const fs::path& p) {
    const auto ext = p.extension();
    return ext == ".hpp" || ext == ".h" || ext == ".cpp" || ext == ".cc" || ext == ".ipp";
}

bool is_sql(const fs::path& p) { return p.extension() == ".sql"; }

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Paths from the directory walk and the root must share one spelling for
// lexically_relative to work, whatever form the caller passed.
fs::path normal_root(const fs::path& root) {
    auto r = fs::absolute(root).lexically_normal();
    return r.has_filename() ? r : r.parent_path();
}

std::vector<fs::path> files_under(const fs::path& dir, bool (*wanted)(const fs::path&)) {
    std::vector<fs::path> out;
    if (!fs::is_directory(dir)) return out;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && wanted(entry.path())) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> parts_of(const fs::path& p) {
    std::vector<std::string> out;
    for (const auto& part : p) out.push_back(part.generic_string());
    return out;
}

struct SourceFile {
    std::string rel;
    std::string text;
    std::vector<std::size_t> line_starts;

    int line_at(std::size_t pos) const {
        return static_cast<int>(std::upper_bound(line_starts.begin(), line_starts.end(), pos) - line_starts.begin());
    }

    std::string line_text(int line) const {
        const auto begin = line_starts[static_cast<std::size_t>(line - 1)];
        auto end = text.find('\n', begin);
        if (end == std::string::npos) end = text.size();
        std::string_view s(text.data() + begin, end - begin);
        const auto first = s.find_first_not_of(" \t\r");
        if (first == std::string_view::npos) return {};
        const auto last = s.find_last_not_of(" \t\r");
        return std::string(s.substr(first, last - first + 1));
    }
};

SourceFile load(const fs::path& root, const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("boundary check cannot read " + file.string());
    std::ostringstream buf;
    buf << in.rdbuf();
    SourceFile f{file.lexically_relative(root).generic_string(), buf.str(), {0}};
    for (std::size_t i = 0; i < f.text.size(); ++i)
        if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
    return f;
}

Violation violation_at(std::string rule, const SourceFile& f, std::size_t pos) {
    const int line = f.line_at(pos);
    return {std::move(rule), f.rel, line, f.line_text(line)};
}

std::vector<Violation> in_order(std::vector<Violation> v) {
    std::stable_sort(v.begin(), v.end(), [](const Violation& a, const Violation& b) {
        return std::tie(a.file, a.line) < std::tie(b.file, b.line);
    });
    return v;
}

// --- C++ lexing: just enough to tell includes, string literals, comments and code apart.

struct Include {
    std::size_t pos;
    std::string path;
    bool quoted;
};

// A string literal as the compiler sees it: adjacent literals joined, escapes
// decoded; pos[i] is where text[i] came from in the file.
struct Literal {
    std::string text;
    std::vector<std::size_t> pos;
};

struct Lexed {
    std::vector<Include> includes;
    std::vector<Literal> literals;
};

class CppLexer {
public:
    explicit CppLexer(std::string_view s) : s_(s) {}

    Lexed run() {
        bool line_start = true;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '\n') {
                line_start = true;
                ++i_;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                ++i_;
            } else if (s_.compare(i_, 2, "//") == 0) {
                i_ = std::min(s_.find('\n', i_), s_.size());
            } else if (s_.compare(i_, 2, "/*") == 0) {
                const auto end = s_.find("*/", i_ + 2);
                i_ = end == std::string_view::npos ? s_.size() : end + 2;
            } else if (c == '#' && line_start) {
                line_start = false;
                joining_ = false;
                directive();
            } else {
                line_start = false;
                token();
            }
        }
        return std::move(out_);
    }

private:
    void directive() {
        const auto hash = i_++;
        skip_blanks();
        const auto name_start = i_;
        while (i_ < s_.size() && is_ident_char(s_[i_])) ++i_;
        const auto name = s_.substr(name_start, i_ - name_start);
        if (name != "include" && name != "include_next") return;
        skip_blanks();
        if (i_ >= s_.size() || (s_[i_] != '<' && s_[i_] != '"')) return;
        const char close = s_[i_] == '<' ? '>' : '"';
        const auto path_start = ++i_;
        while (i_ < s_.size() && s_[i_] != close && s_[i_] != '\n') ++i_;
        out_.includes.push_back({hash, std::string(s_.substr(path_start, i_ - path_start)), close == '"'});
        if (i_ < s_.size() && s_[i_] == close) ++i_;
    }

    void token() {
        const char c = s_[i_];
        if (c == '"') {
            plain_string();
        } else if (c == '\'') {
            joining_ = false;
            char_literal();
        } else if (is_ident_char(c)) {
            word();
        } else {
            joining_ = false;
            ++i_;
        }
    }

    // An identifier or number, which may prefix a string literal (R"(...)",
    // u8"...") or, in a number, hold digit separators (1'000) that must not
    // open a character literal.
    void word() {
        const auto start = i_;
        const bool number = std::isdigit(static_cast<unsigned char>(s_[i_])) != 0;
        while (true) {
            while (i_ < s_.size() && is_ident_char(s_[i_])) ++i_;
            if (number && i_ + 1 < s_.size() && s_[i_] == '\'' && is_ident_char(s_[i_ + 1])) {
                ++i_;
                continue;
            }
            break;
        }
        const auto w = s_.substr(start, i_ - start);
        if (i_ < s_.size() && s_[i_] == '"') {
            if (w == "R" || w == "u8R" || w == "uR" || w == "UR" || w == "LR") {
                raw_string();
                return;
            }
            if (w == "u8" || w == "u" || w == "U" || w == "L") {
                plain_string();
                return;
            }
        }
        joining_ = false;
    }

    void plain_string() {
        Literal& lit = literal();
        ++i_;
        while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\n') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
                const char e = s_[i_ + 1];
                if (e == '\n') {
                    i_ += 2;
                } else if (e == '\r' && i_ + 2 < s_.size() && s_[i_ + 2] == '\n') {
                    i_ += 3;
                } else {
                    lit.text.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
                    lit.pos.push_back(i_);
                    i_ += 2;
                }
                continue;
            }
            lit.text.push_back(s_[i_]);
            lit.pos.push_back(i_++);
        }
        if (i_ < s_.size() && s_[i_] == '"') ++i_;
        user_suffix();
    }

    void raw_string() {
        const auto open = s_.find('(', i_ + 1);
        if (open == std::string_view::npos || open - i_ - 1 > 16) {
            plain_string();
            return;
        }
        const std::string close = ")" + std::string(s_.substr(i_ + 1, open - i_ - 1)) + "\"";
        auto end = s_.find(close, open + 1);
        if (end == std::string_view::npos) end = s_.size();
        Literal& lit = literal();
        for (auto p = open + 1; p < end; ++p) {
            lit.text.push_back(s_[p]);
            lit.pos.push_back(p);
        }
        i_ = std::min(end + close.size(), s_.size());
        user_suffix();
    }

    void char_literal() {
        ++i_;
        while (i_ < s_.size() && s_[i_] != '\'' && s_[i_] != '\n') i_ += s_[i_] == '\\' ? 2 : 1;
        if (i_ < s_.size() && s_[i_] == '\'') ++i_;
    }

    // "..."sv: the suffix belongs to the literal, and "a"sv "b"sv still joins.
    void user_suffix() {
        while (i_ < s_.size() && is_ident_char(s_[i_])) ++i_;
        joining_ = true;
    }

    // The literal to append to: the previous one when only blanks and comments
    // separate them, because the compiler joins them into one string.
    Literal& literal() {
        if (!joining_ || out_.literals.empty()) out_.literals.emplace_back();
        return out_.literals.back();
    }

    void skip_blanks() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }

    std::string_view s_;
    std::size_t i_ = 0;
    bool joining_ = false;
    Lexed out_;
};

Lexed lex_cpp(std::string_view text) { return CppLexer(text).run(); }

// --- Rule 1

bool names_beast(std::string_view include) {
    constexpr std::string_view beast = "boost/beast";
    if (!include.starts_with(beast)) return false;
    return include.size() == beast.size() || include[beast.size()] == '/' || include[beast.size()] == '.';
}

// --- Rule 2

std::set<std::string> module_names(const fs::path& root) {
    std::set<std::string> names(designed_modules.begin(), designed_modules.end());
    for (const auto& dir : {root / "src" / "modules", root / "migrations"}) {
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_directory()) names.insert(entry.path().filename().string());
    }
    return names;
}

struct ModuleFile {
    std::string module;
    bool api;
};

// The module file an include reaches, if any. A quoted include is resolved
// beside the including file first, as the compiler does, so that
// "../../beta/store/x.hpp" is seen for what it is.
std::optional<ModuleFile> included_module_file(const fs::path& root, const fs::path& file, const Include& inc,
                                               const std::set<std::string>& modules) {
    fs::path target = inc.path;
    if (inc.quoted) {
        const auto beside = (file.parent_path() / target).lexically_normal();
        if (inc.path.starts_with("./") || inc.path.starts_with("../") || fs::exists(beside))
            target = beside.lexically_relative(root);
    }
    const auto parts = parts_of(target.lexically_normal());
    for (std::size_t k = 0; k + 2 < parts.size(); ++k)
        if (parts[k] == "modules" && modules.contains(parts[k + 1]))
            return ModuleFile{parts[k + 1], parts[k + 2] == "api" && k + 3 < parts.size()};
    return std::nullopt;
}

// --- Rule 3

bool looks_like_sql(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        if (!is_ident_char(text[i])) {
            ++i;
            continue;
        }
        const auto start = i;
        while (i < text.size() && is_ident_char(text[i])) ++i;
        std::string word(text.substr(start, i - start));
        for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (std::find(sql_keywords.begin(), sql_keywords.end(), word) != sql_keywords.end()) return true;
    }
    return false;
}

// Offsets in `sql` of each `<other>.<identifier>` where <other> is a module
// other than `owner`. Comments are not SQL and a quoted value ('orders.created')
// is data, so both are skipped; an unquoted name is compared case-insensitively
// because the database folds it. A name after a dot is a table or column, never
// a schema, so `alpha.orders.total` does not name the orders schema.
std::vector<std::size_t> foreign_schema_refs(std::string_view sql, const std::set<std::string>& modules,
                                             const std::string& owner) {
    std::vector<std::size_t> hits;
    const auto n = sql.size();
    auto starts_name = [&](std::size_t p) { return p < n && (is_ident_start(sql[p]) || sql[p] == '"'); };
    for (std::size_t i = 0; i < n;) {
        if (sql.compare(i, 2, "--") == 0) {
            i = std::min(sql.find('\n', i), n);
        } else if (sql.compare(i, 2, "/*") == 0) {
            const auto end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? n : end + 2;
        } else if (sql[i] == '\'') {
            const auto end = sql.find('\'', i + 1);
            i = end == std::string_view::npos ? n : end + 1;
        } else if (starts_name(i)) {
            const auto start = i;
            std::string name;
            if (sql[i] == '"') {
                const auto end = sql.find('"', i + 1);
                name = std::string(sql.substr(i + 1, (end == std::string_view::npos ? n : end) - i - 1));
                i = end == std::string_view::npos ? n : end + 1;
            } else {
                while (i < n && (is_ident_char(sql[i]) || sql[i] == '$')) ++i;
                name = lower(sql.substr(start, i - start));
            }
            const bool qualifies = start == 0 || sql[start - 1] != '.';
            if (qualifies && i < n && sql[i] == '.' && starts_name(i + 1) && name != owner && modules.contains(name))
                hits.push_back(start);
        } else {
            ++i;
        }
    }
    return hits;
}

// --- Event contracts

// "<module>.<event>" as a whole literal, lower case with dashes, where <module> is not the owner.
bool names_foreign_topic(std::string_view text, const std::set<std::string>& modules, const std::string& owner) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos || dot + 1 == text.size()) return false;
    const std::string module(text.substr(0, dot));
    if (module == owner || !modules.contains(module)) return false;
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(dot) + 1, text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

// The module owning a file at `rel`, whose first parts are `prefix`
// (src/modules/<m>/... or migrations/<m>/...); empty for a file beside the
// module folders, which belongs to no module and so may name none.
std::string owner_of(const fs::path& rel, std::size_t prefix) {
    const auto parts = parts_of(rel);
    return parts.size() > prefix + 1 ? parts[prefix] : std::string();
}

}  // namespace

std::vector<Violation> beast_outside_http(const fs::path& root_in) {
    const auto root = normal_root(root_in);
    std::vector<Violation> out;
    for (const auto& file : files_under(root / "src", is_cpp)) {
        const auto rel = file.lexically_relative(root).generic_string();
        if (rel.starts_with("src/http/")) continue;
        const auto f = load(root, file);
        for (const auto& inc : lex_cpp(f.text).includes)
            if (names_beast(inc.path)) out.push_back(violation_at("beast-outside-http", f, inc.pos));
    }
    return in_order(std::move(out));
}

std::vector<Violation> module_internals(const fs::path& root_in) {
    const auto root = normal_root(root_in);
    if (!fs::is_directory(root / "src")) return {};
    const auto modules = module_names(root);
    std::vector<Violation> out;
    for (const auto& file : files_under(root / "src", is_cpp)) {
        const auto rel = file.lexically_relative(root);
        const auto rel_text = rel.generic_string();
        const bool in_module = rel_text.starts_with("src/modules/");
        // The layers below the modules may not know them at all; anything else
        // (src/main.cpp) is the composition root, which wires modules together.
        const bool below_modules = rel_text.starts_with("src/kernel/") || rel_text.starts_with("src/http/");
        if (!in_module && !below_modules) continue;
        const auto owner = in_module ? owner_of(rel, 2) : std::string();
        const auto f = load(root, file);
        for (const auto& inc : lex_cpp(f.text).includes) {
            const auto target = included_module_file(root, file, inc, modules);
            if (!target) continue;
            if (below_modules || (target->module != owner && !target->api))
                out.push_back(violation_at("module-internals", f, inc.pos));
        }
    }
    return in_order(std::move(out));
}

std::vector<Violation> foreign_schema_sql(const fs::path& root_in) {
    const auto root = normal_root(root_in);
    if (!fs::is_directory(root / "src")) return {};
    const auto modules = module_names(root);
    constexpr auto code_or_sql = [](const fs::path& p) { return is_cpp(p) || is_sql(p); };
    std::vector<Violation> out;
    auto scan = [&](const fs::path& file, std::size_t prefix) {
        const auto owner = owner_of(file.lexically_relative(root), prefix);
        const auto f = load(root, file);
        if (is_sql(file)) {
            for (const auto at : foreign_schema_refs(f.text, modules, owner))
                out.push_back(violation_at("foreign-schema-sql", f, at));
            return;
        }
        for (const auto& lit : lex_cpp(f.text).literals) {
            if (!looks_like_sql(lit.text)) continue;
            for (const auto at : foreign_schema_refs(lit.text, modules, owner))
                out.push_back(violation_at("foreign-schema-sql", f, lit.pos[at]));
        }
    };
    for (const auto& file : files_under(root / "src" / "modules", code_or_sql)) scan(file, 2);
    for (const auto& file : files_under(root / "migrations", is_sql)) scan(file, 1);
    return in_order(std::move(out));
}

std::vector<Violation> foreign_topic_literals(const fs::path& root_in) {
    const auto root = normal_root(root_in);
    const auto modules = module_names(root);
    std::vector<Violation> out;
    for (const auto& file : files_under(root / "src" / "modules", is_cpp)) {
        const auto owner = owner_of(file.lexically_relative(root), 2);
        const auto f = load(root, file);
        for (const auto& lit : lex_cpp(f.text).literals) {
            if (names_foreign_topic(lit.text, modules, owner)) out.push_back(violation_at("foreign-topic-literal", f, lit.pos.front()));
        }
    }
    return in_order(std::move(out));
}

std::string describe(const std::vector<Violation>& violations) {
    std::string out;
    for (const auto& v : violations)
        out += v.file + ":" + std::to_string(v.line) + ": " + v.text + " [" + v.rule + "]\n";
    return out;
}

}  // namespace mercato::arch
