// ISO 3166-1 alpha-2 country codes, for the addresses orders ship to and the destinations shipping prices.
#pragma once

#include <string_view>

namespace mercato::kernel {

// True for an officially assigned code written as two upper-case letters ("DE", "US").
bool is_country(std::string_view code);

}  // namespace mercato::kernel
