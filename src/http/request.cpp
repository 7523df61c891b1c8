#include "http/request.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/text.hpp"
#include "kernel/feature_flags.hpp"
#include "kernel/problem.hpp"

namespace mercato::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_json_media_type(std::string_view content_type) {
    const auto semicolon = content_type.find(';');
    std::string_view media = content_type.substr(0, semicolon);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    return iequals(media, "application/json") || (media.size() > 5 && iequals(media.substr(media.size() - 5), "+json"));
}

// No request of the API nests deeper than a few levels. Deeper documents cost a heap node a level to
// hold, and copying or printing one recurses once a level, so a body of nested brackets within the
// size limit could exhaust a worker's stack: it is refused before it is parsed.
constexpr int max_json_depth = 64;

bool nests_too_deep(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_json_depth) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool form) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && form) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string_view Request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return {};
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
        if (key == name) return std::string_view(value);
    }
    return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
    auto it = path_params.find(name);
    return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

const nlohmann::json& Request::json() const {
    if (json_) return *json_;
    const std::string_view content_type = header("content-type");
    if (!content_type.empty() && !is_json_media_type(content_type)) {
        throw kernel::Problem(415, kernel::status_title(415), "the request body must be application/json");
    }
    if (body.empty()) throw kernel::Problem::bad_request("the request body is empty; a JSON document is required");
    if (nests_too_deep(body)) {
        throw kernel::Problem::bad_request(fmt::format("the JSON document nests deeper than {} levels", max_json_depth));
    }
    try {
        json_ = std::make_shared<const nlohmann::json>(nlohmann::json::parse(body));
    } catch (const nlohmann::json::parse_error& e) {
        throw kernel::Problem::bad_request(std::string("malformed JSON: ") + e.what());
    }
    return *json_;
}

void Request::set_target(std::string_view target) {
    const auto question = target.find('?');
    path = std::string(target.substr(0, question));
    query.clear();
    if (question == std::string_view::npos) return;
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
        if (!key || !value) throw kernel::Problem::bad_request("the query string has a malformed percent escape");
        query.emplace_back(std::move(*key), std::move(*value));
    }
}

const kernel::FeatureFlags& Request::features() const {
    static const kernel::FeatureFlags none;
    return features_ ? *features_ : none;
}

bool Request::feature_enabled(std::string_view flag) {
    const bool on = features().enabled(flag, feature_subject);
    record_feature(flag, on ? "on" : "off");
    return on;
}

std::string_view Request::variant(std::string_view flag, std::span<const std::string_view> arms) {
    const std::string_view arm = features().variant(flag, feature_subject, arms);
    record_feature(flag, arm);
    return arm;
}

void Request::record_feature(std::string_view flag, std::string_view value) {
    if (!features().configured(flag)) return;
    for (auto& [seen, answer] : features_seen_) {
        if (seen == flag) {
            answer = value;
            return;
        }
    }
    features_seen_.emplace_back(flag, value);
}

std::string Request::features_summary() const {
    std::string out;
    for (const auto& [flag, value] : features_seen_) {
        if (!out.empty()) out += ',';
        out.append(flag).append(":").append(value);
    }
    return out;
}

}  // namespace mercato::http
