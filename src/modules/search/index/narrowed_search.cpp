#include "modules/search/index/narrowed_search.hpp"

#include <algorithm>
#include <cstdint>

#include "modules/search/domain/price_ranges.hpp"
#include "modules/search/index/facet_counts.hpp"

namespace mercato::search {

namespace {

struct Kept {
    const ProductTable::Row* row;
    double weight;
    std::uint32_t rank;  // in relevance order, which breaks ties of price
};

// Prices compare as the index's price filters and price order compare them: as doubles.
bool in_price_range(std::int64_t price, const SearchQuery& q) {
    const auto p = static_cast<double>(price);
    return (!q.min_price || p >= static_cast<double>(*q.min_price)) && (!q.max_price || p <= static_cast<double>(*q.max_price));
}

}  // namespace

SearchResult narrowed_search(const Matches& matches, const ProductTable& table, const SearchQuery& q, bool scored) {
    FacetCounts facets(table);
    std::vector<Kept> kept;
    kept.reserve(matches.size());
    for (std::uint32_t rank = 0; rank < matches.size(); ++rank) {
        const auto* row = table.row(matches[rank].id);
        if (row == nullptr || (q.in_stock && !row->in_stock) || !in_price_range(row->hit.price, q)) continue;
        facets.add(*row);
        kept.push_back({row, matches[rank].weight, rank});
    }

    SearchResult result;
    result.total = static_cast<std::int64_t>(kept.size());
    const auto from = std::min(q.offset, kept.size());
    const auto to = std::min(q.offset + q.limit, kept.size());
    if (q.sort != SearchSort::relevance) {
        const bool descending = q.sort == SearchSort::price_desc;
        std::partial_sort(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(to), kept.end(),
                          [descending](const Kept& a, const Kept& b) {
                              const auto pa = static_cast<double>(a.row->hit.price);
                              const auto pb = static_cast<double>(b.row->hit.price);
                              if (pa != pb) return descending ? pa > pb : pa < pb;
                              return a.rank < b.rank;
                          });
    }
    for (auto i = from; i < to; ++i) {
        auto& hit = result.items.emplace_back(kept[i].row->hit);
        if (scored) hit.score = kept[i].weight;
    }
    result.categories = facets.categories();
    result.tags = facets.tags();
    result.prices = price_ranges(facets.prices());
    return result;
}

}  // namespace mercato::search
