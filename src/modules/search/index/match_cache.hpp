// The whole scored match sets of recent searches' words (with their category and tag filters) at the
// newest revision of the index. A shop's searches repeat their words with other stock and price
// filters, sorts and pages; those are then narrowed in memory from the kept set instead of matched
// again, which costs Xapian a walk through every matching document's length.
#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "modules/search/api/search.hpp"

namespace mercato::search {

struct Match {
    Xapian::docid id = 0;
    double weight = 0;
};
// In relevance order, as Xapian ranks them: weight descending, then document id ascending.
using Matches = std::vector<Match>;

class MatchCache {
public:
    // max_matches: the matches kept over all sets; a larger set is not kept.
    explicit MatchCache(std::size_t max_matches) : max_matches_(max_matches) {}

    // What decides a search's match set: its words (text as searched) and its category and tag.
    static std::string key(std::string_view text, const SearchQuery& query);

    // The set kept for key at revision, or nullptr.
    std::shared_ptr<const Matches> find(Xapian::rev revision, const std::string& key) const;
    // Keeps matches, read at revision; the sets of older revisions are dropped, and one of an older
    // revision than those kept is not kept.
    void store(Xapian::rev revision, const std::string& key, std::shared_ptr<const Matches> matches);

private:
    const std::size_t max_matches_;
    mutable std::shared_mutex mutex_;
    Xapian::rev revision_ = 0;
    std::size_t kept_ = 0;  // matches in sets_
    std::unordered_map<std::string, std::shared_ptr<const Matches>> sets_;
};

}  // namespace mercato::search
