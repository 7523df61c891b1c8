// Answers to recent searches, good until the index's next commit: a shop's searches repeat (popular
// words, type-ahead prefixes), and a repeat costs a map lookup instead of a match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "modules/search/api/search.hpp"

namespace mercato::search {

class ResultCache {
public:
    explicit ResultCache(std::size_t max_entries) : max_entries_(max_entries) {}

    // The key of a query however it was spelled (case, parameter order): one entry per distinct search.
    static std::string key(const SearchQuery& query, const std::string& cleaned_text);

    std::shared_ptr<const SearchResult> find(const std::string& key) const;
    // The revision searches read; take it before searching, and store with it.
    std::uint64_t generation() const;
    // Kept only when the index did not change since generation was taken: an answer read before a
    // commit never outlives it.
    void store(const std::string& key, SearchResult result, std::uint64_t generation);
    // The index committed: every answer may be out of date.
    void invalidate();

private:
    const std::size_t max_entries_;
    mutable std::shared_mutex mutex_;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, std::shared_ptr<const SearchResult>> entries_;
};

}  // namespace mercato::search
