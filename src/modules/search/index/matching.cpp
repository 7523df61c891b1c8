#include "modules/search/index/matching.hpp"

#include <optional>
#include <vector>

#include "modules/search/domain/price_ranges.hpp"
#include "modules/search/index/facet_spy.hpp"
#include "modules/search/index/price_key.hpp"
#include "modules/search/index/product_document.hpp"

namespace mercato::search {

namespace {

// The filters as one boolean query; nullopt for none (an empty Xapian query would match nothing).
// terms_only: just the category and tag, the filters a match set is kept by; stock and price are then
// checked against the product table.
std::optional<Xapian::Query> filter_query(const SearchQuery& q, bool terms_only) {
    std::vector<Xapian::Query> filters;
    if (q.category) filters.emplace_back(category_term(*q.category));
    if (q.tag) filters.emplace_back(tag_term(*q.tag));
    if (!terms_only) {
        if (q.in_stock) filters.emplace_back(in_stock_term);
        const auto price = [](std::int64_t v) { return Xapian::sortable_serialise(static_cast<double>(v)); };
        if (q.min_price && q.max_price) {
            filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, price_slot, price(*q.min_price), price(*q.max_price));
        } else if (q.min_price) {
            filters.emplace_back(Xapian::Query::OP_VALUE_GE, price_slot, price(*q.min_price));
        } else if (q.max_price) {
            filters.emplace_back(Xapian::Query::OP_VALUE_LE, price_slot, price(*q.max_price));
        }
    }
    if (filters.empty()) return std::nullopt;
    return Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
}

Xapian::Query filtered(const Xapian::Query& words, const std::optional<Xapian::Query>& filters) {
    return filters ? Xapian::Query(Xapian::Query::OP_FILTER, words, *filters) : words;
}

}  // namespace

std::shared_ptr<const Matches> whole_match(Xapian::Database& db, const Xapian::Query& words, const SearchQuery& q,
                                           std::size_t limit) {
    Xapian::Enquire enquire(db);
    enquire.set_query(filtered(words, filter_query(q, true)));
    const auto mset = enquire.get_mset(0, limit, limit);
    if (mset.get_matches_upper_bound() > mset.size()) return nullptr;
    auto matches = std::make_shared<Matches>();
    matches->reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) matches->push_back({*it, it.get_weight()});
    return matches;
}

SearchResult matched_with_filters(Xapian::Database& db, const Xapian::Query& words, const SearchQuery& q,
                                  const ProductTable& table, bool scored) {
    Xapian::Enquire enquire(db);
    enquire.set_query(filtered(words, filter_query(q, false)));
    PriceKey price_key(table);
    if (q.sort != SearchSort::relevance) enquire.set_sort_by_key_then_relevance(&price_key, q.sort == SearchSort::price_desc);
    FacetSpy facets(table);
    enquire.add_matchspy(&facets);
    const auto matches = enquire.get_mset(q.offset, q.limit, exact_count_limit);
    SearchResult result;
    for (auto it = matches.begin(); it != matches.end(); ++it) {
        const auto* row = table.row(*it);
        auto& hit = result.items.emplace_back(row ? row->hit : SearchHit{});
        if (scored) hit.score = it.get_weight();
    }
    result.total = static_cast<std::int64_t>(matches.get_matches_estimated());
    result.total_exact = matches.get_matches_lower_bound() == matches.get_matches_upper_bound();
    result.categories = facets.counts().categories();
    result.tags = facets.counts().tags();
    result.prices = price_ranges(facets.counts().prices());
    return result;
}

}  // namespace mercato::search
