#include "kernel/db_url.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include "kernel/config.hpp"

namespace mercato::kernel {

namespace {

// libpq quotes the offending part of a URI in its messages, which may be the password.
std::string without_quoted_parts(std::string_view message) {
    std::string out;
    bool quoted = false;
    for (char c : message) {
        if (c == '"') {
            quoted = !quoted;
            out += quoted ? "\"…" : "\"";
        } else if (!quoted && c != '\n') {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// libpq takes a comma-separated port per host.
bool is_port_list(std::string_view text) {
    while (true) {
        const auto comma = text.find(',');
        const std::string_view port = text.substr(0, comma);
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
            std::stoi(std::string(port)) > 65535) {
            return false;
        }
        if (comma == std::string_view::npos) return true;
        text.remove_prefix(comma + 1);
    }
}

}  // namespace

DbUrl parse_db_url(std::string_view url) {
    if (url.starts_with("sqlite:")) {
        std::string dir(url.substr(7));
        if (dir.starts_with("//")) dir.erase(0, 2);  // tolerate sqlite://DIR
        if (dir.empty()) throw ConfigError("database URL 'sqlite:' needs a directory, e.g. sqlite:./data");
        return {Backend::sqlite, dir, {}};
    }
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        std::string text(url);
        char* error = nullptr;
        PQconninfoOption* options = PQconninfoParse(text.c_str(), &error);
        if (options == nullptr) {
            std::string why = without_quoted_parts(error != nullptr ? error : "unparseable");
            PQfreemem(error);
            throw ConfigError(fmt::format("database URL '{}' is not valid: {}", redact_db_url(url), why));
        }
        for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
            if (std::string_view(o->keyword) == "port" && o->val != nullptr && !is_port_list(o->val)) {
                const std::string port = o->val;
                PQconninfoFree(options);
                throw ConfigError(fmt::format("database URL '{}' has port '{}', which is not a port number",
                                              redact_db_url(url), port));
            }
        }
        // SOCI mangles URIs it passes on, so libpq gets the key='value' form of what it parsed.
        std::string conninfo;
        for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
            if (o->val == nullptr || *o->val == '\0') continue;
            std::string value;
            for (const char* c = o->val; *c != '\0'; ++c) {
                if (*c == '\'' || *c == '\\') value += '\\';
                value += *c;
            }
            conninfo += fmt::format("{}{}='{}'", conninfo.empty() ? "" : " ", o->keyword, value);
        }
        PQconninfoFree(options);
        return {Backend::postgresql, {}, conninfo};
    }
    throw ConfigError(fmt::format("database URL '{}' must start with sqlite: or postgresql://", redact_db_url(url)));
}

std::string redact_db_url(std::string_view url) {
    std::string out(url);
    const auto scheme_end = out.find("://");
    const auto at = out.find('@');
    if (scheme_end != std::string::npos && at != std::string::npos && at > scheme_end) {
        const auto colon = out.find(':', scheme_end + 3);
        if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    // libpq also takes the password as a query parameter.
    for (auto pos = out.find("password="); pos != std::string::npos; pos = out.find("password=", pos + 1)) {
        if (pos == 0 || (out[pos - 1] != '?' && out[pos - 1] != '&')) continue;
        const auto start = pos + 9;
        const auto end = out.find('&', start);
        out.replace(start, (end == std::string::npos ? out.size() : end) - start, "***");
    }
    return out;
}

}  // namespace mercato::kernel
