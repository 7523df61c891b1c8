#include "modules/catalog/domain/tags.hpp"

namespace mercato::catalog {

std::optional<std::string> slugify(std::string_view text, std::size_t max_length) {
    std::string out;
    bool gap = false;
    for (const char raw : text) {
        const char c = (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (gap && !out.empty()) out += '-';
            out += c;
            gap = false;
        } else {
            gap = true;
        }
    }
    if (out.empty() || out.size() > max_length) return std::nullopt;
    return out;
}

bool is_slug(std::string_view text, std::size_t max_length) {
    const auto slug = slugify(text, max_length);
    return slug && *slug == text;
}

std::string join_tags(const std::vector<std::string>& tags) {
    std::string out;
    for (const auto& tag : tags) {
        if (!out.empty()) out += ',';
        out += tag;
    }
    return out;
}

std::vector<std::string> split_tags(std::string_view joined) {
    std::vector<std::string> out;
    while (!joined.empty()) {
        const auto comma = joined.find(',');
        out.emplace_back(joined.substr(0, comma));
        if (comma == std::string_view::npos) break;
        joined.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace mercato::catalog
