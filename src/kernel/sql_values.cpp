#include "kernel/sql_values.hpp"

#include <soci/soci.h>

namespace mercato::kernel {

std::int64_t row_int64(const soci::row& row, std::size_t column) {
    switch (row.get_properties(column).get_data_type()) {
        case soci::dt_integer: return row.get<int>(column);
        case soci::dt_long_long: return row.get<long long>(column);
        case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(row.get<unsigned long long>(column));
        case soci::dt_double: return static_cast<std::int64_t>(row.get<double>(column));
        default: return std::stoll(row.get<std::string>(column));
    }
}

}  // namespace mercato::kernel
