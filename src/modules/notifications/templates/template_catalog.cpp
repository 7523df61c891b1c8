#include "modules/notifications/templates/template_catalog.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ranges>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "kernel/config.hpp"

namespace mercato::notifications {

namespace {

namespace fs = std::filesystem;
using kernel::ConfigError;

constexpr std::size_t npos = std::string_view::npos;
constexpr std::array<std::string_view, 3> part_names = {"subject", "txt", "html"};

// A template file's text, and how errors name it: by its path in the override folder, or under
// config/templates/ when it is built in.
struct Source {
    std::string text;
    std::string shown;
};

// What a file's place says it is: <language>/<kind>.<part>.
struct TemplateName {
    std::string language;
    std::string kind;
    std::string part;
};

enum class Insert { as_is, one_line, html_escaped };

std::string joined(const auto& names) {
    std::string out;
    for (const auto& name : names) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

// Not std::views::keys: clang 14 (the fuzz build's compiler) rejects it over libstdc++ 12's maps.
std::string joined_keys(const auto& map) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : map) keys.push_back(key);
    return joined(keys);
}

bool hidden(std::string_view rel) { return rel.starts_with('.') || rel.find("/.") != npos; }

std::optional<TemplateName> template_name(std::string_view rel) {
    const std::size_t slash = rel.find('/');
    if (slash == 0 || slash == npos || rel.find('/', slash + 1) != npos) return std::nullopt;
    const std::string_view file = rel.substr(slash + 1);
    const std::size_t dot = file.rfind('.');
    if (dot == npos) return std::nullopt;
    TemplateName name{std::string(rel.substr(0, slash)), std::string(file.substr(0, dot)),
                      std::string(file.substr(dot + 1))};
    if (!template_variables().contains(name.kind) || std::ranges::find(part_names, name.part) == part_names.end()) {
        return std::nullopt;
    }
    return name;
}

// The built-in files, each replaced by the override folder's file of the same relative path.
std::map<std::string, Source> template_files(const std::string& override_dir) {
    std::map<std::string, Source> files;
    for (const kernel::EmbeddedFile& file : embedded_template_files()) {
        files[std::string(file.path)] = {std::string(file.content), std::string(file.path)};
    }
    if (override_dir.empty()) return files;
    try {
        if (!fs::is_directory(override_dir)) throw ConfigError("templates folder '" + override_dir + "' does not exist");
        for (auto it = fs::recursive_directory_iterator(override_dir); it != fs::recursive_directory_iterator(); ++it) {
            const fs::path& path = it->path();
            if (path.filename().string().starts_with('.')) {
                it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file()) continue;
            std::ifstream in(path, std::ios::binary);
            if (!in) throw ConfigError("cannot read template file " + path.string());
            std::ostringstream text;
            text << in.rdbuf();
            files[path.lexically_relative(override_dir).generic_string()] = {text.str(), path.string()};
        }
    } catch (const fs::filesystem_error& e) {
        throw ConfigError("cannot read templates folder '" + override_dir + "': " + e.what());
    }
    return files;
}

std::string_view trimmed(std::string_view text) {
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Walks a template, calling literal(text) and variable(name) in order ("{{ name }}" may have spaces).
// Returns the offset of an unclosed "{{", where the walk stops, or npos.
std::size_t walk(std::string_view text, const auto& literal, const auto& variable) {
    std::size_t at = 0;
    for (;;) {
        const std::size_t open = text.find("{{", at);
        if (open == npos) {
            literal(text.substr(at));
            return npos;
        }
        const std::size_t close = text.find("}}", open + 2);
        if (close == npos) return open;
        literal(text.substr(at, open - at));
        variable(trimmed(text.substr(open + 2, close - open - 2)));
        at = close + 2;
    }
}

void check_variables(std::string_view text, const std::string& kind, const std::string& shown) {
    const std::vector<std::string>& provided = template_variables().at(kind);
    const std::size_t unclosed = walk(text, [](std::string_view) {}, [&](std::string_view name) {
        if (std::ranges::find(provided, name) == provided.end()) {
            throw ConfigError("{{" + std::string(name) + "}} in " + shown + ": " + kind + " provides " + joined(provided));
        }
    });
    if (unclosed != npos) {
        const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(unclosed), '\n');
        throw ConfigError("unclosed {{ in " + shown + " on line " + std::to_string(line));
    }
}

// A file's final line break is how editors end a file, not part of the subject.
std::string subject_line(std::string text, const std::string& shown) {
    if (text.ends_with('\n')) text.pop_back();
    if (text.ends_with('\r')) text.pop_back();
    if (text.find_first_of("\r\n") != npos) throw ConfigError("line break in " + shown + ": a subject is one line");
    return text;
}

std::string fill(std::string_view text, const std::map<std::string, std::string>& values, Insert insert) {
    std::string out;
    walk(text, [&](std::string_view literal) { out += literal; }, [&](std::string_view name) {
        const std::string& value = values.at(std::string(name));
        switch (insert) {
            case Insert::as_is: out += value; break;
            case Insert::html_escaped: out += html_escape(value); break;
            case Insert::one_line:
                for (const char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
                break;
        }
    });
    return out;
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& template_variables() {
    static const std::map<std::string, std::vector<std::string>> variables = {
        {"welcome", {"name", "email", "shop"}},
        {"password_reset", {"name", "email", "token", "expires_at", "shop"}},
        {"order_confirmation", {"name", "order_id", "total", "item_count", "shop"}},
        {"payment_received", {"name", "order_id", "amount", "shop"}},
        {"order_shipped", {"name", "order_id", "carrier", "tracking_number", "shop"}},
        {"order_delivered", {"name", "order_id", "shop"}},
        {"message", {"name", "subject", "body", "shop"}},
    };
    return variables;
}

TemplateCatalog::TemplateCatalog(const std::string& override_dir, std::string default_language)
    : default_language_(std::move(default_language)) {
    const std::map<std::string, Source> files = template_files(override_dir);
    for (const auto& [rel, source] : files) {
        if (hidden(rel)) continue;
        const std::optional<TemplateName> name = template_name(rel);
        if (!name) {
            throw ConfigError("unknown template file " + source.shown +
                              ": expected <language>/<kind>.subject, .txt or .html, the kinds being " +
                              joined_keys(template_variables()));
        }
        std::string text = name->part == "subject" ? subject_line(source.text, source.shown) : source.text;
        check_variables(text, name->kind, source.shown);
        Parts& parts = languages_[name->language][name->kind];
        if (name->part == "subject") {
            parts.subject = std::move(text);
        } else if (name->part == "txt") {
            parts.text = std::move(text);
        } else {
            parts.html = std::move(text);
        }
    }

    // A missing file is named where the merchant would put it.
    const auto where = [&](const std::string& rel) {
        return override_dir.empty() ? rel : (fs::path(override_dir) / rel).string();
    };
    for (const auto& [language, kinds] : languages_) {
        for (const auto& [kind, parts] : kinds) {
            for (const std::string_view part : {".subject", ".txt"}) {
                const std::string rel = language + "/" + kind + std::string(part);
                if (!files.contains(rel)) {
                    throw ConfigError("missing template file " + where(rel) +
                                      ": a kind needs a .subject and a .txt (the .html is optional)");
                }
            }
        }
    }

    const auto fallback = languages_.find(default_language_);
    if (fallback == languages_.end()) {
        throw ConfigError("no templates for the default language '" + default_language_ + "' (there are templates for " +
                          joined_keys(languages_) + ")");
    }
    for (const auto& [kind, variables] : template_variables()) {
        if (!fallback->second.contains(kind)) {
            throw ConfigError("missing template files " + where(default_language_ + "/" + kind) +
                              ".subject and .txt: the default language needs every kind, as the others fall back to it");
        }
    }
}

Rendered TemplateCatalog::render(const std::string& kind, const std::string& language,
                                 const std::map<std::string, std::string>& values) const {
    const auto variables = template_variables().find(kind);
    if (variables == template_variables().end()) throw std::invalid_argument("no notification kind '" + kind + "'");
    for (const std::string& variable : variables->second) {
        if (!values.contains(variable)) throw std::invalid_argument(kind + " needs a value for " + variable);
    }
    const auto in_language = languages_.find(language);
    const bool translated = in_language != languages_.end() && in_language->second.contains(kind);
    const Parts& parts = (translated ? in_language->second : languages_.at(default_language_)).at(kind);
    return {fill(parts.subject, values, Insert::one_line), fill(parts.text, values, Insert::as_is),
            fill(parts.html, values, Insert::html_escaped)};
}

bool TemplateCatalog::has_language(const std::string& language) const { return languages_.contains(language); }

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace mercato::notifications
