// The Xapian side of a search: a search's words matched with its category and tag into a whole match
// set that is then narrowed in memory (narrowed_search), or, for a match set too large to keep, the
// search run by Xapian with every filter.
#pragma once

#include <cstddef>
#include <memory>

#include <xapian.h>

#include "modules/search/api/search.hpp"
#include "modules/search/index/match_cache.hpp"
#include "modules/search/index/product_table.hpp"

namespace mercato::search {

// The whole match set of words with the query's category and tag, in relevance order; nullptr when it
// holds more than limit matches.
std::shared_ptr<const Matches> whole_match(Xapian::Database& db, const Xapian::Query& words, const SearchQuery& query,
                                           std::size_t limit = exact_count_limit);

// The search run by Xapian with every filter, counting facets from table (of db's revision) as it
// goes; the total and facets are estimates past exact_count_limit matches. scored: hits carry their
// weight. Leaves did_you_mean unset.
SearchResult matched_with_filters(Xapian::Database& db, const Xapian::Query& words, const SearchQuery& query,
                                  const ProductTable& table, bool scored);

}  // namespace mercato::search
