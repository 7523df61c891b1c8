#include "modules/catalog/http/read_cache.hpp"

#include "kernel/hashing.hpp"

namespace mercato::catalog {

std::shared_ptr<const CachedBody> ReadCache::product(const std::string& id) const {
    std::shared_lock lock(mutex_);
    const auto it = products_.find(id);
    return it == products_.end() ? nullptr : it->second;
}

std::shared_ptr<const CachedBody> ReadCache::listing(const std::string& key) const {
    std::shared_lock lock(mutex_);
    const auto it = listings_.find(key);
    return it == listings_.end() ? nullptr : it->second;
}

std::uint64_t ReadCache::generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
}

std::shared_ptr<const CachedBody> ReadCache::store_product(const std::string& id, std::string body, std::uint64_t generation) {
    return store(products_, max_products_, id, std::move(body), generation);
}

std::shared_ptr<const CachedBody> ReadCache::store_listing(const std::string& key, std::string body, std::uint64_t generation) {
    return store(listings_, max_listings_, key, std::move(body), generation);
}

std::shared_ptr<const CachedBody> ReadCache::store(Map& map, std::size_t max, const std::string& key, std::string body,
                                                   std::uint64_t generation) {
    auto entry = std::make_shared<CachedBody>();
    entry->etag = "\"" + kernel::sha256_hex(body).substr(0, 32) + "\"";
    entry->body = std::move(body);
    std::unique_lock lock(mutex_);
    if (generation != generation_) return entry;
    // Emptied when full: the hot set refills within a few requests, and a bound needs no policy more clever.
    if (map.size() >= max) map.clear();
    map[key] = entry;
    return entry;
}

void ReadCache::forget_product(const std::string& id) {
    std::unique_lock lock(mutex_);
    ++generation_;
    products_.erase(id);
    listings_.clear();
}

void ReadCache::clear() {
    std::unique_lock lock(mutex_);
    ++generation_;
    products_.clear();
    listings_.clear();
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    while (!if_none_match.empty()) {
        const auto comma = if_none_match.find(',');
        auto candidate = if_none_match.substr(0, comma);
        while (!candidate.empty() && (candidate.front() == ' ' || candidate.front() == '\t')) candidate.remove_prefix(1);
        while (!candidate.empty() && (candidate.back() == ' ' || candidate.back() == '\t')) candidate.remove_suffix(1);
        // If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
        if (candidate.starts_with("W/")) candidate.remove_prefix(2);
        if (candidate == "*" || candidate == etag) return true;
        if (comma == std::string_view::npos) break;
        if_none_match.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace mercato::catalog
