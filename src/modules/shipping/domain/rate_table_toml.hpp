// Reading a rate table from TOML (config/shipping_rates.toml): every mistake is refused, never guessed around.
#pragma once

#include <string>
#include <string_view>

#include "modules/shipping/domain/rate_table.hpp"

namespace mercato::shipping {

// The table the text describes. Throws kernel::ConfigError naming source_name, the line and the key
// path ("service[1].rates[0].zone") for a syntax error, an unknown or missing key, a wrong type, a
// currency or country that is not an ISO code, a rate for an unknown zone, tiers not ascending by
// weight, a negative amount, min days over max days, a duplicate id, a bad tracking format, or a
// zone that no service serves.
RateTable parse_rate_table(std::string_view toml_text, const std::string& source_name);

}  // namespace mercato::shipping
