// The --db URL: `sqlite:DIR` (one file per module under DIR) or a PostgreSQL URI.
#pragma once

#include <string>
#include <string_view>

namespace mercato::kernel {

enum class Backend { sqlite, postgresql };

struct DbUrl {
    Backend backend;
    std::string sqlite_dir;   // sqlite only
    std::string pg_conninfo;  // postgresql only: libpq key='value' pairs
};

// Throws ConfigError naming what is wrong.
DbUrl parse_db_url(std::string_view url);

// The URL with any password replaced by ***, for logs and error messages.
std::string redact_db_url(std::string_view url);

}  // namespace mercato::kernel
