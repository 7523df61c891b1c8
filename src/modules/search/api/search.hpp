// The search module's facade: full-text product search, ranked and faceted, over an index of the
// module's own that follows the catalog's log and can be rebuilt from the catalog.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modules/catalog/api/catalog.hpp"

namespace mercato::kernel::bus {
class Bus;
}

namespace mercato::search {

enum class SearchSort { relevance, price, price_desc };

struct SearchQuery : catalog::ProductFilter {
    std::string text;  // "" lists every product the filters let through
    SearchSort sort = SearchSort::relevance;
    std::size_t limit = 20;
    std::size_t offset = 0;
};

struct SearchHit {
    std::string id;
    std::string name;
    std::int64_t price = 0;
    std::string currency;
    double score = 0;  // BM25 relevance; 0 without search words
};

// Prices from (inclusive) to (exclusive), in minor units.
struct PriceRange {
    std::int64_t from = 0;
    std::int64_t to = 0;
    std::int64_t count = 0;
    bool operator==(const PriceRange&) const = default;
};

// The largest match set counted exactly; beyond it total (and the facets) are estimates.
inline constexpr std::size_t exact_count_limit = 10'000;

struct SearchResult {
    std::vector<SearchHit> items;
    std::int64_t total = 0;
    bool total_exact = true;
    // Over the whole match set, not just this page.
    std::map<std::string, std::int64_t> categories;
    std::map<std::string, std::int64_t> tags;
    std::vector<PriceRange> prices;
    // When nothing matched: the query with its words spelt as the catalog spells them, if that differs.
    std::optional<std::string> did_you_mean;
};

struct SearchSettings {
    std::string index_dir;  // "": a temporary index, rebuilt at every start and removed at the end
    std::string language = "english";  // a Snowball stemmer's name, or "none"
};

// Searches run on any thread at once; the index takes changes on one thread at a time. Failures are
// kernel::Problem 422 for a query that cannot be searched.
class Search {
public:
    // Opens the index (or makes it). Throws std::runtime_error for an unknown language or an index
    // folder that cannot be used, such as one another server copy has open.
    Search(catalog::Catalog& catalog, SearchSettings settings);
    ~Search();
    Search(const Search&) = delete;
    Search& operator=(const Search&) = delete;

    SearchResult search(const SearchQuery& query);
    // Changes with every commit of the index: an answer read at one revision holds while it lasts.
    // Never blocks.
    std::uint64_t revision() const;

    // Follows catalog.product-updated and catalog.stock-changed as a local consumer group, so every
    // server copy keeps its own index: one that is empty (or behind a catalog that was reset) is
    // built from the catalog first. Call before the bus starts.
    void follow(kernel::bus::Bus& bus);

    // Reads the given products (none: every product) from the catalog into the index, drops the
    // ones that are gone, and makes the result searchable; returns how many products it read. Blocks.
    std::size_t reindex(const std::optional<std::vector<std::string>>& product_ids = std::nullopt);
    // As reindex, on the module's own thread: returns at once.
    void request_reindex(const std::optional<std::vector<std::string>>& product_ids);

    // Runs the thread that makes changes from the log searchable, and the one that reindexes.
    void start();
    void stop();

    std::size_t document_count();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::search
