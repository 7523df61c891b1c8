#include "kernel/clock.hpp"

#include <ctime>

#include <fmt/format.h>

namespace mercato::kernel {

// fmt 9 formats a time_point in local time and drops the milliseconds, so the fields are built here.
std::string format_rfc3339(std::chrono::system_clock::time_point t) {
    const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(since_epoch / 1000 - (since_epoch % 1000 < 0 ? 1 : 0));
    const long millis = static_cast<long>(((since_epoch % 1000) + 1000) % 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                       utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

std::string rfc3339_now() { return format_rfc3339(std::chrono::system_clock::now()); }

}  // namespace mercato::kernel
