// Opaque identifiers such as "ord_01JD7X..." that sort by creation time (ULID layout behind a type prefix).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mercato::kernel {

// "<prefix>_" then 26 Crockford base32 characters: 48 bits of Unix
// milliseconds, then 80 random bits. Ids from one process are strictly
// increasing in byte order, so they make good primary keys and cursors.
// Throws std::invalid_argument unless prefix is 1-8 lower-case letters.
std::string new_id(std::string_view prefix);

// True when id is "<prefix>_" followed by a well-formed, upper-case ULID.
bool is_id(std::string_view id, std::string_view prefix);

// When the id was made; nullopt if it is not a well-formed id of any prefix.
std::optional<std::chrono::system_clock::time_point> id_time(std::string_view id);

}  // namespace mercato::kernel
