#include "modules/search/domain/price_ranges.hpp"

#include <algorithm>

namespace mercato::search {

namespace {

// The narrowest round width whose ranges, starting at a multiple of it, span low..high in at most
// max_price_ranges steps.
std::int64_t round_width(std::int64_t low, std::int64_t high) {
    for (std::int64_t power = 1;; power *= 10) {
        for (const std::int64_t step : {1, 2, 5}) {
            const auto width = step * power;
            const auto first = low / width;
            if (high / width - first + 1 <= static_cast<std::int64_t>(max_price_ranges)) return width;
        }
    }
}

}  // namespace

std::vector<PriceRange> price_ranges(const std::vector<std::int64_t>& prices) {
    if (prices.empty()) return {};
    const auto [low, high] = std::minmax_element(prices.begin(), prices.end());
    const auto width = round_width(*low, *high);
    const auto first = *low / width;
    std::vector<PriceRange> ranges(static_cast<std::size_t>(*high / width - first + 1));
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        ranges[i].from = (first + static_cast<std::int64_t>(i)) * width;
        ranges[i].to = ranges[i].from + width;
    }
    for (const auto price : prices) ++ranges[static_cast<std::size_t>(price / width - first)].count;
    std::erase_if(ranges, [](const PriceRange& r) { return r.count == 0; });
    return ranges;
}

}  // namespace mercato::search
