// The rate table built into the binary: config/shipping_rates.toml, embedded at build time so a
// merchant deploys one file.
#pragma once

#include <string_view>

namespace mercato::shipping {

std::string_view builtin_rate_table_text();

}  // namespace mercato::shipping
