// Timestamps as the API writes them: RFC 3339, UTC, millisecond precision.
#pragma once

#include <chrono>
#include <string>

namespace mercato::kernel {

std::string format_rfc3339(std::chrono::system_clock::time_point t);
std::string rfc3339_now();

}  // namespace mercato::kernel
