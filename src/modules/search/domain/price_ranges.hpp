// The price facet: a match set's prices grouped into a few ranges with round bounds, the way a
// shop's "price" filter offers them.
#pragma once

#include <cstdint>
#include <vector>

#include "modules/search/api/search.hpp"

namespace mercato::search {

inline constexpr std::size_t max_price_ranges = 5;

// At most max_price_ranges ranges of one width from 1, 2 or 5 times a power of ten minor units,
// covering every price; ranges holding no price are left out. None for no prices.
std::vector<PriceRange> price_ranges(const std::vector<std::int64_t>& prices);

}  // namespace mercato::search
