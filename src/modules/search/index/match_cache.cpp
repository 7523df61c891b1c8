#include "modules/search/index/match_cache.hpp"

#include <mutex>

#include <fmt/format.h>

namespace mercato::search {

std::string MatchCache::key(std::string_view text, const SearchQuery& query) {
    return fmt::format("{}\x1f{}\x1f{}", text, query.category.value_or(""), query.tag.value_or(""));
}

std::shared_ptr<const Matches> MatchCache::find(Xapian::rev revision, const std::string& key) const {
    std::shared_lock lock(mutex_);
    if (revision != revision_) return nullptr;
    const auto it = sets_.find(key);
    return it != sets_.end() ? it->second : nullptr;
}

void MatchCache::store(Xapian::rev revision, const std::string& key, std::shared_ptr<const Matches> matches) {
    if (matches->size() > max_matches_) return;
    std::unique_lock lock(mutex_);
    if (revision < revision_) return;
    // Emptied when full, or when a commit moved the index on: the popular words come back within a
    // few searches.
    if (revision > revision_ || kept_ + matches->size() > max_matches_) {
        sets_.clear();
        kept_ = 0;
        revision_ = revision;
    }
    const auto [it, added] = sets_.try_emplace(key, matches);
    if (!added) return;  // another search of the same words got there first
    kept_ += matches->size();
}

}  // namespace mercato::search
