// Rendered answers to recent searches, good while the index stays at the revision they were read
// from: a shop's searches repeat (popular words, type-ahead prefixes), and a repeat then costs a map
// lookup on the I/O thread instead of a match and a rendering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "modules/search/api/search.hpp"

namespace mercato::search {

class AnswerCache {
public:
    // max_bytes: of answers and keys kept, together; every search not asked before is kept, so a
    // count of answers alone would let a few large ones hold tens of megabytes.
    explicit AnswerCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    // The key of a query however its parameters were ordered or its filters spelled.
    static std::string key(const SearchQuery& query);

    // The answer stored for key at this revision of the index, or nullptr.
    std::shared_ptr<const std::string> find(const std::string& key, std::uint64_t revision) const;
    // revision: Search::revision() taken before the search that made body.
    void store(const std::string& key, std::shared_ptr<const std::string> body, std::uint64_t revision);

private:
    struct Entry {
        std::uint64_t revision;
        std::shared_ptr<const std::string> body;
    };

    const std::size_t max_bytes_;
    mutable std::shared_mutex mutex_;
    std::size_t bytes_ = 0;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mercato::search
