#include "kernel/db_url.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include "kernel/config.hpp"

namespace mercato::kernel {

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
            std::string why = error != nullptr ? error : "unparseable";
            PQfreemem(error);
            while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
            throw ConfigError(fmt::format("database URL '{}' is not valid: {}", redact_db_url(url), why));
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
    const auto scheme_end = url.find("://");
    const auto at = url.find('@');
    if (scheme_end == std::string_view::npos || at == std::string_view::npos || at < scheme_end) return std::string(url);
    const auto colon = url.find(':', scheme_end + 3);
    if (colon == std::string_view::npos || colon > at) return std::string(url);
    return fmt::format("{}:***{}", url.substr(0, colon), url.substr(at));
}

}  // namespace mercato::kernel
