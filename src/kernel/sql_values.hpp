// Reading SOCI rows the same way on both backends, whose drivers report integer columns differently.
#pragma once

#include <cstddef>
#include <cstdint>

namespace soci {
class row;
}

namespace mercato::kernel {

// An integer column of any width (SQLite reports INTEGER as int, PostgreSQL BIGINT as long long).
std::int64_t row_int64(const soci::row& row, std::size_t column);

}  // namespace mercato::kernel
