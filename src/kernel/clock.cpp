#include "kernel/clock.hpp"

#include <fmt/chrono.h>

namespace mercato::kernel {

std::string format_rfc3339(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", ms);
}

std::string rfc3339_now() { return format_rfc3339(std::chrono::system_clock::now()); }

}  // namespace mercato::kernel
