#include "modules/search/http/answer_json.hpp"

#include <cstdint>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mercato::search {

namespace {

// As nlohmann::json escapes a string: quote, backslash and control characters; other bytes as they are.
void put_string(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
                else out += c;
        }
    }
    out += '"';
}

void put_int(std::string& out, std::int64_t v) { fmt::format_to(std::back_inserter(out), "{}", v); }

// nlohmann's own rendering of a double (its shortest form, "0.0" for zero), so scores read as before.
void put_double(std::string& out, double v) { out += nlohmann::json(v).dump(); }

void put_counts(std::string& out, const std::map<std::string, std::int64_t>& counts) {
    out += '{';
    for (const auto& [name, count] : counts) {
        if (out.back() != '{') out += ',';
        put_string(out, name);
        out += ':';
        put_int(out, count);
    }
    out += '}';
}

}  // namespace

std::string answer_json(const SearchResult& r) {
    std::string out;
    out.reserve(512 + 160 * r.items.size());
    out += '{';
    if (r.did_you_mean) {
        out += "\"did_you_mean\":";
        put_string(out, *r.did_you_mean);
        out += ',';
    }
    out += "\"facets\":{\"category\":";
    put_counts(out, r.categories);
    out += ",\"price\":[";
    for (const auto& range : r.prices) {
        if (out.back() != '[') out += ',';
        out += "{\"count\":";
        put_int(out, range.count);
        out += ",\"from\":";
        put_int(out, range.from);
        out += ",\"to\":";
        put_int(out, range.to);
        out += '}';
    }
    out += "],\"tags\":";
    put_counts(out, r.tags);
    out += "},\"items\":[";
    for (const auto& hit : r.items) {
        if (out.back() != '[') out += ',';
        out += "{\"currency\":";
        put_string(out, hit.currency);
        out += ",\"id\":";
        put_string(out, hit.id);
        out += ",\"name\":";
        put_string(out, hit.name);
        out += ",\"price\":";
        put_int(out, hit.price);
        out += ",\"score\":";
        put_double(out, hit.score);
        out += '}';
    }
    out += "],\"total\":";
    put_int(out, r.total);
    out += ",\"total_exact\":";
    out += r.total_exact ? "true" : "false";
    out += '}';
    return out;
}

}  // namespace mercato::search
