// Rendered answers to the catalog's hot reads (product detail, listing pages), kept in
// memory with their ETags and dropped when the catalog's events say a product changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace mercato::catalog {

struct CachedBody {
    std::string body;
    std::string etag;  // strong: "\"<hash of body>\""
};

// Readers take a generation before they read the database, and store what they read only when no
// invalidation happened meanwhile: an answer read just before a change can never outlive it.
class ReadCache {
public:
    ReadCache(std::size_t max_products, std::size_t max_listings)
        : max_products_(max_products), max_listings_(max_listings) {}

    std::shared_ptr<const CachedBody> product(const std::string& id) const;
    std::shared_ptr<const CachedBody> listing(const std::string& key) const;
    std::uint64_t generation() const;

    // Renders the ETag; returns the entry (stored or not).
    std::shared_ptr<const CachedBody> store_product(const std::string& id, std::string body, std::uint64_t generation);
    std::shared_ptr<const CachedBody> store_listing(const std::string& key, std::string body, std::uint64_t generation);

    // A product changed: its detail goes, and every listing (any of them may show it, or now should).
    void forget_product(const std::string& id);
    void clear();

private:
    using Map = std::unordered_map<std::string, std::shared_ptr<const CachedBody>>;
    std::shared_ptr<const CachedBody> store(Map& map, std::size_t max, const std::string& key, std::string body,
                                            std::uint64_t generation);

    const std::size_t max_products_;
    const std::size_t max_listings_;
    mutable std::shared_mutex mutex_;
    std::uint64_t generation_ = 0;
    Map products_;
    Map listings_;
};

// Whether an If-None-Match header names this ETag ("*", a list, weak forms included).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace mercato::catalog
