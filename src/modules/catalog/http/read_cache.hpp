// Rendered answers to the catalog's hot reads (product detail, listing pages, categories), kept in
// memory with their ETags and dropped by what each change of the catalog reaches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "modules/catalog/api/catalog.hpp"

namespace mercato::catalog {

struct CachedBody {
    std::string body;
    std::string etag;  // strong: "\"<hash>\""
};

// A listing page's body around its items, as http::page_json writes it: "head" item,item "tail".
struct PageFrame {
    std::string head;
    std::string tail;
};
PageFrame page_frame(const std::optional<std::string>& next_cursor);

// A listing page as kept: the ids of its products in order, and its frame (which holds next_cursor).
// The products are the entries product detail keeps, so a change of one product's stock reaches every
// page that shows it by dropping one entry, and the page itself stays.
struct CachedListing {
    std::vector<std::string> product_ids;
    PageFrame frame;
};

// The page of these product entries: byte for byte what http::page_json of their JSON writes. Its
// ETag hashes the products' ETags and the frame, which fix every byte of the body, so it is as strong
// as a hash of the body and costs a hash of a few hundred bytes.
CachedBody listing_body(const std::vector<std::shared_ptr<const CachedBody>>& products, const PageFrame& frame);

// A kept listing with its products as kept just then (nullptr for one not kept).
struct KeptPage {
    std::shared_ptr<const CachedListing> listing;
    std::vector<std::shared_ptr<const CachedBody>> products;

    bool complete() const;
};

// Staleness: a reader takes a stamp before it reads the database, and what it read is stored only when
// its key (a product) or its class (listings and categories) was not invalidated after that stamp, so
// an answer read just before a change can never be stored after it. Invalidations are remembered per
// product up to max_products of them; beyond that the oldest are forgotten together, and a stamp from
// before them stores nothing.
class ReadCache {
public:
    using Stamp = std::uint64_t;

    ReadCache(std::size_t max_products, std::size_t max_listings)
        : max_products_(max_products), max_listings_(max_listings) {}

    Stamp stamp() const;

    std::shared_ptr<const CachedBody> product(const std::string& id) const;
    // Renders the ETag; returns the entry, stored or not.
    std::shared_ptr<const CachedBody> store_product(const std::string& id, std::string body, Stamp read_at);

    // nullopt when the listing is not kept.
    std::optional<KeptPage> page(const std::string& key) const;
    void store_listing(const std::string& key, CachedListing listing, Stamp read_at);

    std::shared_ptr<const CachedBody> categories() const;
    std::shared_ptr<const CachedBody> store_categories(std::string body, Stamp read_at);

    // Drops the changed product's entry, and the listings and categories when the change reaches them.
    void forget(const CatalogChange& change);
    void clear();

private:
    bool product_changed_after(const std::string& id, Stamp read_at) const;

    const std::size_t max_products_;
    const std::size_t max_listings_;
    mutable std::shared_mutex mutex_;
    Stamp clock_ = 0;  // counts invalidations; a stamp is its value when the read began
    Stamp listings_changed_at_ = 0;
    Stamp products_forgotten_at_ = 0;  // product invalidations up to it are no longer told apart
    std::unordered_map<std::string, Stamp> product_changed_at_;
    std::unordered_map<std::string, std::shared_ptr<const CachedBody>> products_;
    std::unordered_map<std::string, std::shared_ptr<const CachedListing>> listings_;
    std::shared_ptr<const CachedBody> categories_;
};

// Whether an If-None-Match header names this ETag ("*", a list, weak forms included).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace mercato::catalog
