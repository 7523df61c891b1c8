#include "modules/search/http/answer_cache.hpp"

#include <mutex>

#include <fmt/format.h>

namespace mercato::search {

std::string AnswerCache::key(const SearchQuery& q) {
    const auto number = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
    return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{:d}\x1f{}\x1f{}\x1f{}", q.text, q.category.value_or(""),
                       q.tag.value_or(""), number(q.min_price), number(q.max_price), q.in_stock, static_cast<int>(q.sort),
                       q.limit, q.offset);
}

std::shared_ptr<const std::string> AnswerCache::find(const std::string& key, std::uint64_t revision) const {
    std::shared_lock lock(mutex_);
    const auto it = entries_.find(key);
    return it != entries_.end() && it->second.revision == revision ? it->second.body : nullptr;
}

void AnswerCache::store(const std::string& key, std::shared_ptr<const std::string> body, std::uint64_t revision) {
    const auto size = key.size() + body->size();
    if (size > max_bytes_) return;
    std::unique_lock lock(mutex_);
    // Emptied when full: the popular searches come back within a few requests.
    if (bytes_ + size > max_bytes_) {
        entries_.clear();
        bytes_ = 0;
    }
    const auto [it, added] = entries_.try_emplace(key, Entry{revision, body});
    if (!added) {
        bytes_ -= it->first.size() + it->second.body->size();
        it->second = Entry{revision, std::move(body)};
    }
    bytes_ += size;
}

}  // namespace mercato::search
