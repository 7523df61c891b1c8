#include "modules/catalog/http/read_cache.hpp"

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

#include "http/list_params.hpp"
#include "kernel/hashing.hpp"

namespace mercato::catalog {

namespace {

std::string etag_of(std::string_view hashed) { return "\"" + kernel::sha256_hex(hashed).substr(0, 32) + "\""; }

std::shared_ptr<const CachedBody> cached_entry(std::string body) {
    auto entry = std::make_shared<CachedBody>();
    entry->etag = etag_of(body);
    entry->body = std::move(body);
    return entry;
}

// Emptied when full: the hot set refills within a few requests, and a bound needs no policy more clever.
template <class Map, class Value>
void keep_bounded(Map& map, std::size_t max, const std::string& key, Value value) {
    if (map.size() >= max && !map.contains(key)) map.clear();
    map[key] = std::move(value);
}

}  // namespace

PageFrame page_frame(const std::optional<std::string>& next_cursor) {
    // The empty page split where its items go: "items" is its first key, so the first "[]" is theirs.
    const std::string empty = http::page_json(nlohmann::json::array(), next_cursor).dump();
    const auto at = empty.find("[]") + 1;
    return {empty.substr(0, at), empty.substr(at)};
}

CachedBody listing_body(const std::vector<std::shared_ptr<const CachedBody>>& products, const PageFrame& frame) {
    std::size_t size = frame.head.size() + frame.tail.size() + products.size();
    for (const auto& p : products) size += p->body.size();
    CachedBody page;
    page.body.reserve(size);
    page.body += frame.head;
    std::string parts;
    for (const auto& p : products) {
        if (&p != &products.front()) page.body += ',';
        page.body += p->body;
        parts += p->etag;
    }
    page.body += frame.tail;
    parts += frame.tail;
    page.etag = etag_of(parts);
    return page;
}

bool KeptPage::complete() const {
    return std::all_of(products.begin(), products.end(), [](const auto& p) { return p != nullptr; });
}

ReadCache::Stamp ReadCache::stamp() const {
    std::shared_lock lock(mutex_);
    return clock_;
}

std::shared_ptr<const CachedBody> ReadCache::product(const std::string& id) const {
    std::shared_lock lock(mutex_);
    const auto it = products_.find(id);
    return it == products_.end() ? nullptr : it->second;
}

bool ReadCache::product_changed_after(const std::string& id, Stamp read_at) const {
    if (read_at < products_forgotten_at_) return true;
    const auto it = product_changed_at_.find(id);
    return it != product_changed_at_.end() && it->second > read_at;
}

std::shared_ptr<const CachedBody> ReadCache::store_product(const std::string& id, std::string body, Stamp read_at) {
    auto entry = cached_entry(std::move(body));
    std::unique_lock lock(mutex_);
    if (!product_changed_after(id, read_at)) keep_bounded(products_, max_products_, id, entry);
    return entry;
}

std::optional<KeptPage> ReadCache::page(const std::string& key) const {
    std::shared_lock lock(mutex_);
    const auto it = listings_.find(key);
    if (it == listings_.end()) return std::nullopt;
    KeptPage kept{it->second, {}};
    kept.products.reserve(it->second->product_ids.size());
    for (const auto& id : it->second->product_ids) {
        const auto p = products_.find(id);
        kept.products.push_back(p == products_.end() ? nullptr : p->second);
    }
    return kept;
}

void ReadCache::store_listing(const std::string& key, CachedListing listing, Stamp read_at) {
    auto entry = std::make_shared<const CachedListing>(std::move(listing));
    std::unique_lock lock(mutex_);
    if (listings_changed_at_ <= read_at) keep_bounded(listings_, max_listings_, key, std::move(entry));
}

std::shared_ptr<const CachedBody> ReadCache::categories() const {
    std::shared_lock lock(mutex_);
    return categories_;
}

std::shared_ptr<const CachedBody> ReadCache::store_categories(std::string body, Stamp read_at) {
    auto entry = cached_entry(std::move(body));
    std::unique_lock lock(mutex_);
    if (listings_changed_at_ <= read_at) categories_ = entry;
    return entry;
}

void ReadCache::forget(const CatalogChange& change) {
    std::unique_lock lock(mutex_);
    ++clock_;
    if (change.product_id) {
        products_.erase(*change.product_id);
        if (product_changed_at_.size() >= max_products_) {
            product_changed_at_.clear();
            products_forgotten_at_ = clock_;
        }
        product_changed_at_[*change.product_id] = clock_;
    }
    if (change.listings) {
        listings_changed_at_ = clock_;
        listings_.clear();
        categories_.reset();
    }
}

void ReadCache::clear() {
    std::unique_lock lock(mutex_);
    ++clock_;
    listings_changed_at_ = clock_;
    products_forgotten_at_ = clock_;
    product_changed_at_.clear();
    products_.clear();
    listings_.clear();
    categories_.reset();
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
