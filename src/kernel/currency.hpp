// ISO 4217 currency codes and the number of decimal places of each one's minor unit.
#pragma once

#include <optional>
#include <string_view>

namespace mercato::kernel {

// Decimal places between the major and the minor unit (EUR 2, JPY 0, KWD 3);
// nullopt for a code that is not an active currency.
std::optional<int> currency_exponent(std::string_view code);

// True for an active ISO 4217 code written as three upper-case letters.
bool is_currency(std::string_view code);

}  // namespace mercato::kernel
