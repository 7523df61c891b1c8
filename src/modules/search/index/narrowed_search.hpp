// A search answered from its words' whole match set (MatchCache): the stock and price filters the
// match left out, the facets over what they let through, the order asked for and the page. It
// answers as Xapian would have with every filter in the query.
#pragma once

#include "modules/search/api/search.hpp"
#include "modules/search/index/match_cache.hpp"
#include "modules/search/index/product_table.hpp"

namespace mercato::search {

// matches and table are of one revision. scored: hits carry their weight (the search had words).
// Leaves did_you_mean unset.
SearchResult narrowed_search(const Matches& matches, const ProductTable& table, const SearchQuery& query, bool scored);

}  // namespace mercato::search
