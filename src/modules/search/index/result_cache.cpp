#include "modules/search/index/result_cache.hpp"

#include <mutex>

#include <fmt/format.h>

namespace mercato::search {

std::string ResultCache::key(const SearchQuery& q, const std::string& cleaned_text) {
    const auto number = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
    return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{:d}\x1f{}\x1f{}\x1f{}", cleaned_text, q.category.value_or(""),
                       q.tag.value_or(""), number(q.min_price), number(q.max_price), q.in_stock, static_cast<int>(q.sort),
                       q.limit, q.offset);
}

std::shared_ptr<const SearchResult> ResultCache::find(const std::string& key) const {
    std::shared_lock lock(mutex_);
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second;
}

std::uint64_t ResultCache::generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
}

void ResultCache::store(const std::string& key, SearchResult result, std::uint64_t generation) {
    auto entry = std::make_shared<const SearchResult>(std::move(result));
    std::unique_lock lock(mutex_);
    if (generation != generation_) return;
    // Emptied when full: the popular searches come back within a few requests.
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_.insert_or_assign(key, std::move(entry));
}

void ResultCache::invalidate() {
    std::unique_lock lock(mutex_);
    ++generation_;
    entries_.clear();
}

}  // namespace mercato::search
