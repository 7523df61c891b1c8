// The search module through its facade, over a real catalog and its log (linked into the SQLite and
// PostgreSQL tiers, each defining suite_database()).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/metrics.hpp"
#include "kernel/problem.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/search/api/search.hpp"
#include "support/eventually.hpp"
#include "support/module_database.hpp"
#include "support/test_database.hpp"
#include "support/test_paths.hpp"

using mercato::test::suite_database;

namespace {

using mercato::catalog::Catalog;
using mercato::catalog::ProductChange;
using mercato::catalog::ProductDraft;
using mercato::kernel::Problem;
using mercato::search::Search;
using mercato::search::SearchQuery;
using mercato::search::SearchResult;
using mercato::search::SearchSettings;
using mercato::search::SearchSort;
using mercato::test::eventually;
using mercato::test::TempDir;

// A change is promised searchable within about a second; tests allow 5 s so that a loaded machine keeps
// them, which still fails an index that only a reindex or a restart brings up to date.
constexpr std::chrono::seconds live_change{5};

// The catalog, its log, and a search index following it in a folder of the test's: one server
// process, which restart() stops and starts again on the same database and index.
struct SearchShop {
    SearchShop() : t(suite_database()) {
        db = mercato::test::open_module_database(*t, {"catalog"}, 8);
        start();
    }
    ~SearchShop() { stop(); }

    void start() {
        bus = std::make_unique<mercato::kernel::bus::Bus>(db, metrics);
        catalog = std::make_unique<Catalog>(db, *bus);
        search = std::make_unique<Search>(*catalog, SearchSettings{index.str(), "english"});
        search->follow(*bus);
        bus->start();
        search->start();
    }
    void stop() {
        if (!search) return;
        search->stop();
        bus->stop();
        search.reset();
    }
    void restart() {
        stop();
        catalog.reset();
        bus.reset();
        start();
    }

    std::string add(const std::string& name, const std::string& description, std::int64_t price, std::int64_t stock,
                    std::optional<std::string> category, std::vector<std::string> tags) {
        ProductDraft d{"SKU-" + std::to_string(++skus), name, description, price, "EUR", stock, std::move(category),
                       std::move(tags)};
        return catalog->create_product(d, "usr_admin").id;
    }

    // The products of the fixed catalog the relevance tests read.
    void stock_fixed_catalog() {
        lamp = add("Brass Desk Lamp", "A warm light for late work.", 4900, 5, "lighting", {"desk", "brass"});
        desk = add("Oak Writing Desk", "Solid oak; pairs well with a lamp.", 25900, 2, "furniture", {"desk", "wood"});
        shoes = add("Running Shoes", "Light shoes for long runs.", 8900, 10, "footwear", {"sport"});
        boots = add("Leather Boots", "Boots that keep out the rain.", 12900, 0, "footwear", {"winter"});
        shade = add("Linen Shade", "Fits any table light.", 2500, 7, "lighting", {"linen"});
        REQUIRE(caught_up(5));
    }

    // The index holds count products, as searches see it, within the time live changes are allowed.
    bool caught_up(std::size_t count) {
        return eventually([&] { return search->document_count() == count; }, live_change);
    }

    SearchResult find(const std::string& text, const std::function<void(SearchQuery&)>& adjust = {}) {
        SearchQuery q;
        q.text = text;
        if (adjust) adjust(q);
        return search->search(q);
    }

    static std::vector<std::string> ids(const SearchResult& r) {
        std::vector<std::string> out;
        for (const auto& hit : r.items) out.push_back(hit.id);
        return out;
    }

    bool finds(const std::string& text, const std::string& id) {
        const auto found = ids(find(text));
        return std::find(found.begin(), found.end(), id) != found.end();
    }

    std::unique_ptr<mercato::test::TestDatabase> t;
    mercato::kernel::MetricsRegistry metrics;
    std::shared_ptr<mercato::kernel::Database> db;
    TempDir index;
    std::unique_ptr<mercato::kernel::bus::Bus> bus;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<Search> search;
    int skus = 0;
    std::string lamp, desk, shoes, boots, shade;
};

// Every product the query finds, with its score, in order.
std::vector<std::pair<std::string, double>> ranking(Search& search, const std::string& text) {
    SearchQuery q;
    q.text = text;
    q.limit = 100;
    std::vector<std::pair<std::string, double>> out;
    for (const auto& hit : search.search(q).items) out.emplace_back(hit.id, hit.score);
    return out;
}

}  // namespace

TEST_CASE("a product named for the search words outranks one that only mentions them in its description") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    const auto r = shop.find("lamp");
    REQUIRE(r.items.size() == 2);
    CHECK(r.items[0].id == shop.lamp);
    CHECK(r.items[1].id == shop.desk);
    CHECK(r.items[0].score > r.items[1].score);
    CHECK(r.items[0].name == "Brass Desk Lamp");
    CHECK(r.items[0].price == 4900);
    CHECK(r.items[0].currency == "EUR");
}

TEST_CASE("search ignores case and finds other forms of a word") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    CHECK(SearchShop::ids(shop.find("SHOE")) == std::vector<std::string>{shop.shoes});
    CHECK(SearchShop::ids(shop.find("Boot")) == std::vector<std::string>{shop.boots});
    CHECK(SearchShop::ids(shop.find("lamps")) == SearchShop::ids(shop.find("lamp")));
    CHECK(SearchShop::ids(shop.find("running")) == std::vector<std::string>{shop.shoes});
    CHECK(SearchShop::ids(shop.find("run")) == std::vector<std::string>{shop.shoes});
}

TEST_CASE("every word must match, and the last word matches as a prefix while it is being typed") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    CHECK(SearchShop::ids(shop.find("oak desk")) == std::vector<std::string>{shop.desk});
    CHECK(SearchShop::ids(shop.find("leath")) == std::vector<std::string>{shop.boots});
    CHECK(SearchShop::ids(shop.find("brass de")) == std::vector<std::string>{shop.lamp});
    CHECK(shop.find("leath boots").items.empty());  // only the last word is a prefix
}

TEST_CASE("when nothing matches, did_you_mean spells the words as the catalog does") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    const auto r = shop.find("lether bots");
    CHECK(r.items.empty());
    CHECK(r.total == 0);
    CHECK(r.did_you_mean == std::optional<std::string>("leather boots"));
    CHECK_FALSE(shop.find("leather").did_you_mean);
    CHECK_FALSE(shop.find("zzzzqqq").did_you_mean);
}

TEST_CASE("facet counts over the match set equal the totals of the same search filtered by each value") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    for (const std::string text : {"", "light", "desk"}) {
        CAPTURE(text);
        const auto all = shop.find(text);
        CHECK(all.total_exact);
        std::int64_t in_categories = 0;
        for (const auto& [slug, count] : all.categories) {
            CHECK(shop.find(text, [&](SearchQuery& q) { q.category = slug; }).total == count);
            in_categories += count;
        }
        CHECK(in_categories == all.total);
        for (const auto& [tag, count] : all.tags) {
            CHECK(shop.find(text, [&](SearchQuery& q) { q.tag = tag; }).total == count);
        }
        std::int64_t in_ranges = 0;
        for (const auto& range : all.prices) {
            CHECK(shop.find(text, [&](SearchQuery& q) {
                          q.min_price = range.from;
                          q.max_price = range.to - 1;
                      }).total == range.count);
            in_ranges += range.count;
        }
        CHECK(in_ranges == all.total);
    }
    const auto everything = shop.find("");
    CHECK(everything.total == 5);
    CHECK(everything.categories == std::map<std::string, std::int64_t>{{"footwear", 2}, {"furniture", 1}, {"lighting", 2}});
    CHECK(everything.tags.at("desk") == 2);
    // The listing the catalog gives for a category holds as many products as the facet says.
    mercato::catalog::ProductQuery listing;
    listing.category = "footwear";
    CHECK(static_cast<std::int64_t>(shop.catalog->products(listing).items.size()) == everything.categories.at("footwear"));
}

TEST_CASE("filters narrow a search as they narrow the product listing, and sort by price orders it") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    CHECK(SearchShop::ids(shop.find("boots", [](SearchQuery& q) { q.in_stock = true; })).empty());
    CHECK(SearchShop::ids(shop.find("boots")) == std::vector<std::string>{shop.boots});  // out of stock, still found
    CHECK(SearchShop::ids(shop.find("", [](SearchQuery& q) {
              q.min_price = 4900;
              q.max_price = 12900;
              q.sort = SearchSort::price;
          })) == std::vector<std::string>{shop.lamp, shop.shoes, shop.boots});
    CHECK(SearchShop::ids(shop.find("", [](SearchQuery& q) {
              q.category = "lighting";
              q.sort = SearchSort::price_desc;
          })) == std::vector<std::string>{shop.lamp, shop.shade});
    CHECK(SearchShop::ids(shop.find("light", [](SearchQuery& q) { q.tag = "linen"; })) == std::vector<std::string>{shop.shade});
    const auto paged = shop.find("", [](SearchQuery& q) {
        q.sort = SearchSort::price;
        q.limit = 2;
        q.offset = 2;
    });
    CHECK(SearchShop::ids(paged) == std::vector<std::string>{shop.shoes, shop.boots});
    CHECK(paged.total == 5);
}

TEST_CASE("a created, changed or deleted product shows in search while the server runs, without a reindex") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    const auto kettle = shop.add("Copper Kettle", "Whistles when the water boils.", 3900, 3, "kitchen", {"copper"});
    CHECK(eventually([&] { return shop.finds("kettle", kettle); }, live_change));

    ProductChange rename;
    rename.name = "Copper Teapot";
    shop.catalog->update_product(kettle, rename, "usr_admin");
    CHECK(eventually([&] { return shop.finds("teapot", kettle) && !shop.finds("kettle", kettle); }, live_change));

    shop.catalog->adjust_stock(kettle, -3, "sold out", "usr_admin");
    CHECK(eventually([&] { return shop.find("teapot", [](SearchQuery& q) { q.in_stock = true; }).items.empty(); }, live_change));
    CHECK(shop.finds("teapot", kettle));

    shop.catalog->delete_product(kettle);
    CHECK(eventually([&] { return !shop.finds("teapot", kettle); }, live_change));
    CHECK(shop.search->document_count() == 5);
}

TEST_CASE("a search asked again follows a change of a product's price, category and stock, its facets included") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    const auto cheap_light = [&](bool in_stock) {
        return shop.find("light", [in_stock](SearchQuery& q) {
            q.max_price = 3000;
            q.in_stock = in_stock;
            q.sort = SearchSort::price;
        });
    };
    const auto before = cheap_light(false);
    CHECK(SearchShop::ids(before) == std::vector<std::string>{shop.shade});
    CHECK(before.categories == std::map<std::string, std::int64_t>{{"lighting", 1}});

    ProductChange change;
    change.price = 1900;
    change.category = std::optional<std::string>("furniture");
    shop.catalog->update_product(shop.lamp, change, "usr_admin");
    CHECK(eventually([&] { return SearchShop::ids(cheap_light(false)) == std::vector<std::string>{shop.lamp, shop.shade}; },
                     live_change));
    const auto after = cheap_light(false);
    CHECK(after.total == 2);
    CHECK(after.categories == std::map<std::string, std::int64_t>{{"furniture", 1}, {"lighting", 1}});
    CHECK(after.prices.front().from <= 1900);

    shop.catalog->adjust_stock(shop.shade, -7, "sold out", "usr_admin");
    CHECK(eventually([&] { return SearchShop::ids(cheap_light(true)) == std::vector<std::string>{shop.lamp}; }, live_change));
    CHECK(cheap_light(false).total == 2);  // out of stock, still found without the filter
}

TEST_CASE("an index rebuilt from the catalog ranks and counts exactly as the one kept up to date change by change") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    const auto kettle = shop.add("Copper Kettle", "Boils water; a lamp it is not.", 3900, 3, "kitchen", {"copper", "desk"});
    ProductChange change;
    change.description = "Warm light, brass shade, for a desk.";
    change.tags = std::vector<std::string>{"desk"};
    shop.catalog->update_product(shop.lamp, change, "usr_admin");
    shop.catalog->delete_product(shop.shoes);
    shop.catalog->adjust_stock(shop.boots, 4, "restock", "usr_admin");
    REQUIRE(eventually([&] { return shop.finds("copper", kettle) && !shop.finds("running", shop.shoes); }));
    REQUIRE(eventually([&] { return !shop.find("boots", [](SearchQuery& q) { q.in_stock = true; }).items.empty(); }));

    TempDir other;
    Search rebuilt(*shop.catalog, SearchSettings{other.str(), "english"});
    CHECK(rebuilt.reindex() == 5);
    for (const std::string text : {"", "lamp", "desk", "light brass", "boots", "copper", "wood"}) {
        CAPTURE(text);
        auto live = ranking(*shop.search, text);
        auto fresh = ranking(rebuilt, text);
        // Equal scores may list in another order: documents were numbered in another order.
        std::sort(live.begin(), live.end());
        std::sort(fresh.begin(), fresh.end());
        REQUIRE(live.size() == fresh.size());
        for (std::size_t i = 0; i < live.size(); ++i) {
            CHECK(live[i].first == fresh[i].first);
            CHECK(live[i].second == doctest::Approx(fresh[i].second).epsilon(1e-9));
        }
        SearchQuery q;
        q.text = text;
        const auto a = shop.search->search(q);
        const auto b = rebuilt.search(q);
        CHECK(a.categories == b.categories);
        CHECK(a.tags == b.tags);
    }
    CHECK(shop.find("lether").did_you_mean == rebuilt.search(SearchQuery{{}, "lether"}).did_you_mean);
}

TEST_CASE("reindexing named products reads them again, and drops the ones the catalog no longer has") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    TempDir other;
    Search standalone(*shop.catalog, SearchSettings{other.str(), "english"});  // follows no log
    CHECK(standalone.reindex() == 5);
    shop.catalog->delete_product(shop.desk);
    ProductChange change;
    change.name = "Brass Reading Lamp";
    shop.catalog->update_product(shop.lamp, change, "usr_admin");
    CHECK(standalone.reindex(std::vector<std::string>{shop.desk, shop.lamp, "prd_unknown"}) == 1);
    CHECK(standalone.document_count() == 4);
    SearchQuery q;
    q.text = "reading";
    CHECK(standalone.search(q).total == 1);
}

TEST_CASE("a restarted server copy keeps its index and catches up with the changes made while it was down") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    shop.stop();
    shop.catalog->delete_product(shop.boots);
    const auto kettle = shop.add("Copper Kettle", "Whistles.", 3900, 3, "kitchen", {});
    shop.restart();
    CHECK(eventually([&] { return shop.finds("kettle", kettle) && !shop.finds("boots", shop.boots); }));
    CHECK(shop.search->document_count() == 5);
}

TEST_CASE("a server copy down for longer than the log keeps events rebuilds its index from the catalog") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    shop.stop();
    shop.catalog->delete_product(shop.boots);
    const auto kettle = shop.add("Copper Kettle", "Whistles.", 3900, 3, "kitchen", {});
    {
        mercato::kernel::bus::BusOptions no_retention;
        no_retention.retention = std::chrono::seconds(0);
        mercato::kernel::bus::Bus retention(shop.db, shop.metrics, no_retention);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the cutoff is now, to the millisecond
        REQUIRE(retention.prune() > 0);
        REQUIRE(retention.pruned_through("catalog") == retention.head("catalog"));
    }
    shop.restart();
    // Their events are gone from the log: only a rebuild from the catalog can show these changes.
    CHECK(eventually([&] { return shop.finds("kettle", kettle) && !shop.finds("boots", shop.boots); }));
    CHECK(shop.search->document_count() == 5);
}

TEST_CASE("the index's revision moves when a change becomes searchable, and searches leave it alone") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    const auto before = shop.search->revision();
    shop.find("lamp");
    shop.find("");
    CHECK(shop.search->revision() == before);
    const auto lantern = shop.add("Storm Lamp", "Paraffin.", 1900, 2, "lighting", {});
    REQUIRE(eventually([&] { return shop.finds("lamp", lantern); }, live_change));
    CHECK(shop.search->revision() != before);
}

TEST_CASE("many threads search at once while the index takes changes, each getting whole answers") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    std::atomic<bool> changing{true};
    auto writer = std::async(std::launch::async, [&] {
        for (int n = 0; changing; ++n) {
            ProductChange change;
            change.description = n % 2 ? "Solid oak; pairs well with a lamp." : "Solid oak.";
            shop.catalog->update_product(shop.desk, change, "usr_admin");
        }
    });
    std::vector<std::future<int>> searchers;
    for (int t = 0; t < 8; ++t) {
        searchers.push_back(std::async(std::launch::async, [&shop, t] {
            int wrong = 0;
            const std::vector<std::string> texts = {"lamp", "brass desk lamp", "shoes", "", "leath", "lether"};
            for (int i = 0; i < 300; ++i) {
                SearchQuery q;
                q.text = texts[static_cast<std::size_t>(i + t) % texts.size()];
                const auto r = shop.search->search(q);
                // The desk comes and goes with "lamp"; the lamp itself is always there.
                if (q.text == "lamp" && (r.items.empty() || r.items[0].id != shop.lamp)) ++wrong;
                if (q.text.empty() && r.total != 5) ++wrong;
            }
            return wrong;
        }));
    }
    int wrong = 0;
    std::string failure;
    for (auto& s : searchers) {
        try {
            wrong += s.get();
        } catch (const std::exception& e) {
            failure = e.what();
        } catch (...) {
            failure = "an exception of unknown type";
        }
    }
    changing = false;
    writer.get();
    CHECK(failure == "");
    CHECK(wrong == 0);
}

TEST_CASE("hostile query text is searched as words or refused with 422, never failing otherwise") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    const std::vector<std::string> hostile = {
        "\"unbalanced", "lamp\"", "AND", "OR NOT", "lamp AND", "-", "--lamp", "+", "((((", "))", "*", "lamp*",
        "NEAR/3", "lamp NEAR desk", "title:lamp", "a:b:c", "\\", "%00", std::string("la\0mp", 5), "\x7f\x1b[2J",
        "💡 lamp", "ł", std::string(200, '('), std::string(200, '"'), "🔥🔥🔥", std::string(10 * 1024, 'x'),
        "\xff", "SELECT * FROM catalog.products;--", "' OR 1=1 --", "<script>alert(1)</script>"};
    for (const auto& text : hostile) {
        CAPTURE(text.substr(0, 40));
        try {
            const auto r = shop.find(text);
            CHECK(r.total >= 0);
        } catch (const Problem& p) {
            CHECK(p.status() == 422);
        } catch (const std::exception& e) {
            FAIL("unexpected failure: " << e.what());
        }
    }
    CHECK(SearchShop::ids(shop.find("\"brass desk")) == std::vector<std::string>{shop.lamp});
    CHECK(SearchShop::ids(shop.find(std::string("brass\0lamp", 10))) == std::vector<std::string>{shop.lamp});
}

TEST_CASE("a second server copy cannot share an index folder, and an unknown language is refused") {
    SearchShop shop;
    CHECK_THROWS_WITH_AS(Search(*shop.catalog, SearchSettings{shop.index.str(), "english"}),
                         doctest::Contains("index_dir"), std::runtime_error);
    TempDir other;
    CHECK_THROWS_WITH_AS(Search(*shop.catalog, SearchSettings{other.str(), "klingon"}), doctest::Contains("search.language"),
                         std::runtime_error);
}

TEST_CASE("an index made for another language is rebuilt, and stems words of the new one") {
    SearchShop shop;
    shop.stock_fixed_catalog();
    shop.stop();
    Search german(*shop.catalog, SearchSettings{shop.index.str(), "german"});
    CHECK(german.document_count() == 0);  // emptied: its stems are of no use to German
    CHECK(german.reindex() == 5);
    SearchQuery q;
    q.text = "lamp";
    CHECK(german.search(q).total == 2);
}
