// The catalog's read cache without a server: which reads it keeps after which changes, how far a
// change of the catalog's log reaches, and listing pages assembled from kept products.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/list_params.hpp"
#include "modules/catalog/api/events.hpp"
#include "modules/catalog/domain/change_reach.hpp"
#include "modules/catalog/http/read_cache.hpp"

using mercato::catalog::CachedBody;
using mercato::catalog::CachedListing;
using mercato::catalog::CatalogChange;
using mercato::catalog::change_of_event;
using mercato::catalog::crosses_zero;
using mercato::catalog::listing_body;
using mercato::catalog::page_frame;
using mercato::catalog::ReadCache;
using nlohmann::json;

namespace {

const CatalogChange stock_moved{"prd_a", false};
const CatalogChange product_edited{"prd_a", true};
const CatalogChange category_made{std::nullopt, true};

std::string stock_event(std::int64_t stock, std::int64_t delta) {
    return json{{"product_id", "prd_a"}, {"stock", stock}, {"delta", delta}, {"reason", "reserved"}}.dump();
}

// Keeps products prd_a and prd_b, the listing "all" of both and the categories, read at one stamp.
void warm(ReadCache& cache) {
    const auto at = cache.stamp();
    cache.store_product("prd_a", R"({"id":"prd_a"})", at);
    cache.store_product("prd_b", R"({"id":"prd_b"})", at);
    cache.store_listing("all", {{"prd_a", "prd_b"}, page_frame(std::nullopt)}, at);
    cache.store_categories(R"({"items":[]})", at);
}

}  // namespace

TEST_CASE("a product read that began before its product changed is not kept; one that began after is") {
    ReadCache cache(100, 100);
    const auto before = cache.stamp();
    cache.forget(stock_moved);
    const auto stale = cache.store_product("prd_a", "old", before);
    CHECK(stale->body == "old");  // the reader still answers what it read...
    CHECK(cache.product("prd_a") == nullptr);  // ...but no later reader gets it
    cache.store_product("prd_a", "new", cache.stamp());
    REQUIRE(cache.product("prd_a") != nullptr);
    CHECK(cache.product("prd_a")->body == "new");
}

TEST_CASE("a change to one product does not refuse reads of another begun before it") {
    ReadCache cache(100, 100);
    const auto before = cache.stamp();
    cache.forget(product_edited);
    cache.store_product("prd_b", "b", before);
    CHECK(cache.product("prd_b") != nullptr);
    cache.store_product("prd_a", "a", before);
    CHECK(cache.product("prd_a") == nullptr);
}

TEST_CASE("a stock change that does not cross zero keeps the listings and categories and drops only the product's entry") {
    ReadCache cache(100, 100);
    warm(cache);
    cache.forget(change_of_event(mercato::catalog::topic_stock_changed, "prd_a", stock_event(4, -1)));
    CHECK(cache.product("prd_a") == nullptr);
    CHECK(cache.product("prd_b") != nullptr);
    const auto page = cache.page("all");
    REQUIRE(page.has_value());
    CHECK_FALSE(page->complete());  // answered once prd_a is read again
    CHECK(page->products[1] != nullptr);
    CHECK(cache.categories() != nullptr);
}

TEST_CASE("a stock change across zero, a product edit and a new category drop every listing and the categories") {
    const std::vector<std::pair<std::string, CatalogChange>> changes{
        {"stock to zero", change_of_event(mercato::catalog::topic_stock_changed, "prd_a", stock_event(0, -1))},
        {"stock from zero", change_of_event(mercato::catalog::topic_stock_changed, "prd_a", stock_event(3, 3))},
        {"product edited", change_of_event(mercato::catalog::topic_product_updated, "prd_a", R"({"change":"changed"})")},
        {"category made", change_of_event(mercato::catalog::topic_category_created, "toys", R"({"slug":"toys","name":"Toys"})")},
    };
    for (const auto& [name, change] : changes) {
        INFO(name);
        ReadCache cache(100, 100);
    warm(cache);
        cache.forget(change);
        CHECK_FALSE(cache.page("all").has_value());
        CHECK(cache.categories() == nullptr);
        CHECK(cache.product("prd_b") != nullptr);
        CHECK((cache.product("prd_a") == nullptr) == change.product_id.has_value());
    }
}

TEST_CASE("a listing or categories read that began before a change reaching listings is not kept") {
    ReadCache cache(100, 100);
    const auto before = cache.stamp();
    cache.forget(stock_moved);  // reaches no listing
    cache.store_listing("all", {{"prd_b"}, page_frame(std::nullopt)}, before);
    CHECK(cache.page("all").has_value());
    cache.store_categories("first", before);
    CHECK(cache.categories() != nullptr);

    const auto later = cache.stamp();
    cache.forget(category_made);
    cache.store_listing("other", {{"prd_b"}, page_frame(std::nullopt)}, later);
    CHECK_FALSE(cache.page("other").has_value());
    cache.store_categories("second", later);
    CHECK(cache.categories() == nullptr);
    cache.store_categories("third", cache.stamp());
    CHECK(cache.categories()->body == "third");
}

TEST_CASE("what a change of the catalog's log reaches is read from its payload; one it cannot read reaches everything") {
    CHECK(crosses_zero(0, -1));   // 1 -> 0
    CHECK(crosses_zero(5, 5));    // 0 -> 5
    CHECK_FALSE(crosses_zero(4, -1));
    CHECK_FALSE(crosses_zero(7, 3));
    CHECK_FALSE(crosses_zero(0, 0));
    using mercato::catalog::topic_stock_changed;
    CHECK(change_of_event(topic_stock_changed, "prd_a", stock_event(9, -1)).product_id == "prd_a");
    CHECK_FALSE(change_of_event(topic_stock_changed, "prd_a", stock_event(9, -1)).listings);
    CHECK(change_of_event(topic_stock_changed, "prd_a", "not json").listings);
    CHECK(change_of_event(topic_stock_changed, "prd_a", R"({"stock":"9","delta":-1})").listings);
    const auto category = change_of_event(mercato::catalog::topic_category_created, "toys", "{}");
    CHECK_FALSE(category.product_id.has_value());
    CHECK(category.listings);
}

TEST_CASE("a listing page assembled from kept products is byte for byte page_json's, and its ETag follows every byte") {
    const std::vector<json> items{{{"id", "prd_a"}, {"name", "Mug \"Blue\""}, {"price", 1200}, {"rating_avg", 4.5}},
                                  {{"id", "prd_b"}, {"name", "Jug"}, {"tags", {"steel", "kitchen"}}, {"category", nullptr}}};
    std::vector<std::shared_ptr<const CachedBody>> kept;
    ReadCache cache(100, 100);
    for (const auto& item : items) kept.push_back(cache.store_product(item["id"].get<std::string>(), item.dump(), cache.stamp()));
    for (const auto& cursor : {std::optional<std::string>{}, std::optional<std::string>{"c2V0"}}) {
        const auto page = listing_body(kept, page_frame(cursor));
        CHECK(page.body == mercato::http::page_json(json(items), cursor).dump());
        CHECK(page.etag.size() == 34);
        CHECK(page.etag.front() == '"');
        CHECK(listing_body(kept, page_frame(cursor)).etag == page.etag);
    }
    CHECK(listing_body({}, page_frame(std::nullopt)).body == mercato::http::page_json(json::array(), std::nullopt).dump());

    const auto page = listing_body(kept, page_frame(std::nullopt));
    CHECK(listing_body(kept, page_frame(std::string("c2V0"))).etag != page.etag);
    CHECK(listing_body({kept[1], kept[0]}, page_frame(std::nullopt)).etag != page.etag);
    auto changed = items[1];
    changed["name"] = "Jug!";
    const auto other = cache.store_product("prd_b", changed.dump(), cache.stamp());
    CHECK(listing_body({kept[0], other}, page_frame(std::nullopt)).etag != page.etag);
}

TEST_CASE("memory stays bounded: full maps are emptied, and a read from before forgotten changes stores nothing") {
    ReadCache cache(3, 2);
    const auto at = cache.stamp();
    for (const char* id : {"p1", "p2", "p3"}) cache.store_product(id, id, at);
    CHECK(cache.product("p1") != nullptr);
    cache.store_product("p3", "again", at);  // a key already kept takes no room
    CHECK(cache.product("p1") != nullptr);
    cache.store_product("p4", "p4", at);
    CHECK(cache.product("p1") == nullptr);
    CHECK(cache.product("p4") != nullptr);
    for (const char* key : {"l1", "l2", "l3"}) cache.store_listing(key, {{}, page_frame(std::nullopt)}, at);
    CHECK_FALSE(cache.page("l1").has_value());
    CHECK(cache.page("l3").has_value());

    // Three changes are remembered one by one; the fourth forgets them, so a read from before any of
    // them cannot tell whether its product was among them and is not kept.
    const auto before = cache.stamp();
    for (const char* id : {"c1", "c2", "c3", "c4"}) cache.forget({id, false});
    cache.store_product("untouched", "x", before);
    CHECK(cache.product("untouched") == nullptr);
    cache.store_product("untouched", "x", cache.stamp());
    CHECK(cache.product("untouched") != nullptr);
}

TEST_CASE("clear drops everything and refuses every read begun before it") {
    ReadCache cache(100, 100);
    warm(cache);
    const auto before = cache.stamp();
    cache.clear();
    CHECK(cache.product("prd_a") == nullptr);
    CHECK_FALSE(cache.page("all").has_value());
    CHECK(cache.categories() == nullptr);
    cache.store_product("prd_b", "b", before);
    cache.store_categories("c", before);
    CHECK(cache.product("prd_b") == nullptr);
    CHECK(cache.categories() == nullptr);
}
