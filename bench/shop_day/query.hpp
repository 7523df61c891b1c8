// Percent-encoding of the values the shop-day driver puts in query strings (cursors, tags).
#pragma once

#include <string>
#include <string_view>

namespace shop_day {

// Every byte but RFC 3986's unreserved ones as %XX.
std::string url_encode(std::string_view value);

}  // namespace shop_day
