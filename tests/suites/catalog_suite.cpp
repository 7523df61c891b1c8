// The catalog module through its facade, on SQLite (tests/module) and PostgreSQL (tests/pg): products,
// listings, reviews, stock and reservations. The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/metrics.hpp"
#include "kernel/problem.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/api/events.hpp"
#include "support/problem_of.hpp"
#include "support/module_database.hpp"
#include "support/test_database.hpp"

using mercato::test::fields_of;
using mercato::test::status_of;
using mercato::test::suite_database;

namespace {

using mercato::catalog::Catalog;
using mercato::catalog::CatalogChange;
using mercato::catalog::CatalogSettings;
using mercato::catalog::Product;
using mercato::catalog::ProductChange;
using mercato::catalog::ProductDraft;
using mercato::catalog::ProductQuery;
using mercato::catalog::ProductSort;
using mercato::catalog::ReservationLine;
using mercato::kernel::Problem;
using Clock = std::chrono::system_clock;

// The catalog module on a fresh database, with a clock the test moves.
struct Shop {
    Shop() : t(suite_database()) {
        db = mercato::test::open_module_database(*t, {"catalog"}, 8);
        bus = std::make_unique<mercato::kernel::bus::Bus>(db, metrics);
        CatalogSettings settings;
        settings.now = [this] { return Clock::time_point(std::chrono::milliseconds(clock_ms.load())); };
        catalog = std::make_unique<Catalog>(db, *bus, settings);
    }

    Product add(const std::string& sku, std::int64_t price = 1000, std::int64_t stock = 10,
                std::optional<std::string> category = "Kitchen", std::vector<std::string> tags = {}) {
        clock_ms += 1;  // distinct creation times, as products made one by one have
        return catalog->create_product({sku, "Product " + sku, "", price, "EUR", stock, std::move(category), std::move(tags)},
                                       "usr_admin");
    }

    void advance(std::chrono::seconds by) { clock_ms += std::chrono::duration_cast<std::chrono::milliseconds>(by).count(); }

    // The events the catalog log holds, in order: topic and payload.
    std::vector<std::pair<std::string, nlohmann::json>> events() {
        return db->module("catalog").read([](soci::session& s) {
            std::vector<std::pair<std::string, nlohmann::json>> out;
            soci::rowset<soci::row> rows = (s.prepare << "SELECT topic, payload FROM catalog.outbox ORDER BY id");
            for (const auto& r : rows) out.emplace_back(r.get<std::string>(0), nlohmann::json::parse(r.get<std::string>(1)));
            return out;
        });
    }

    std::size_t count(const char* table) {
        return db->module("catalog").read([&](soci::session& s) {
            long long n = 0;
            s << "SELECT COUNT(*) FROM catalog." << table, soci::into(n);
            return static_cast<std::size_t>(n);
        });
    }

    std::int64_t stock(const std::string& id) { return catalog->product(id).stock; }

    std::unique_ptr<mercato::test::TestDatabase> t;
    std::shared_ptr<mercato::kernel::Database> db;
    mercato::kernel::MetricsRegistry metrics;
    std::unique_ptr<mercato::kernel::bus::Bus> bus;
    std::atomic<std::int64_t> clock_ms{1'800'000'000'000};
    std::unique_ptr<Catalog> catalog;
};

std::vector<std::string> skus(const std::vector<Product>& products) {
    std::vector<std::string> out;
    for (const auto& p : products) out.push_back(p.sku);
    return out;
}

std::vector<std::string> listed(Catalog& catalog, ProductQuery q) {
    q.limit = 100;
    return skus(catalog.products(q).items);
}

}  // namespace

TEST_CASE("creating a product makes its category on first use, normalises tags and publishes both catalog topics") {
    Shop shop;
    const Product p = shop.add("KIT-1", 1999, 5, "Home Decor", {"Gift Idea", "gift-idea", "New"});
    CHECK(p.id.rfind("prd_", 0) == 0);
    CHECK(p.category == "home-decor");
    CHECK(p.tags == std::vector<std::string>{"gift-idea", "new"});
    const auto categories = shop.catalog->categories();
    REQUIRE(categories.size() == 1);
    CHECK(categories[0].slug == "home-decor");
    CHECK(categories[0].name == "Home Decor");
    CHECK(categories[0].product_count == 1);
    const auto events = shop.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].first == "catalog.product-updated");
    CHECK(events[0].second["change"] == "created");
    CHECK(events[0].second["product"]["sku"] == "KIT-1");
    CHECK(events[0].second["product"]["price"] == 1999);
    CHECK(events[1].first == "catalog.stock-changed");
    CHECK(events[1].second["stock"] == 5);
}

TEST_CASE("a duplicate sku is refused with 409 and writes nothing") {
    Shop shop;
    shop.add("SKU-1");
    const auto events = shop.events().size();
    CHECK(status_of([&] { shop.add("SKU-1"); }) == 409);
    CHECK(shop.count("products") == 1);
    CHECK(shop.events().size() == events);
}

TEST_CASE("an invalid product is refused with every bad field named, and nothing is written") {
    Shop shop;
    ProductDraft bad{"", " ", "", -1, "EURO", -5, std::nullopt, {"ok", "!!!"}};
    CHECK(fields_of([&] { shop.catalog->create_product(bad, "usr_admin"); }) ==
          std::vector<std::string>{"sku", "name", "price", "currency", "stock", "tags"});
    bad = {"SKU-1", std::string(201, 'n'), std::string(5001, 'd'), 1, "XXX", 1, std::nullopt, {}};
    CHECK(fields_of([&] { shop.catalog->create_product(bad, "usr_admin"); }) ==
          std::vector<std::string>{"name", "description", "currency"});
    CHECK(shop.count("products") == 0);
    CHECK(shop.count("categories") == 0);
    CHECK(shop.events().empty());
}

TEST_CASE("an update changes only the fields given; stock set by it is audited as an adjustment") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1000, 10);
    ProductChange change;
    change.price = 1500;
    change.stock = 4;
    change.category = std::optional<std::string>{};
    const Product q = shop.catalog->update_product(p.id, change, "usr_boss");
    CHECK(q.price == 1500);
    CHECK(q.stock == 4);
    CHECK(q.name == p.name);
    CHECK_FALSE(q.category.has_value());
    const auto audit = shop.catalog->stock_adjustments(p.id, 10, "").items;
    REQUIRE(audit.size() == 2);
    CHECK(audit[0].delta == -6);
    CHECK(audit[0].stock_after == 4);
    CHECK(audit[0].actor == "usr_boss");
    CHECK(audit[1].reason == "initial stock");
}

TEST_CASE("an update to a taken sku or an invalid value is refused and changes nothing") {
    Shop shop;
    shop.add("SKU-1");
    const Product p = shop.add("SKU-2", 1000, 3);
    ProductChange taken;
    taken.sku = "SKU-1";
    taken.name = "Renamed";
    CHECK(status_of([&] { shop.catalog->update_product(p.id, taken, "usr_admin"); }) == 409);
    ProductChange negative;
    negative.price = -1;
    negative.stock = 7;
    CHECK(fields_of([&] { shop.catalog->update_product(p.id, negative, "usr_admin"); }) == std::vector<std::string>{"price"});
    const Product now = shop.catalog->product(p.id);
    CHECK(now.sku == "SKU-2");
    CHECK(now.name == p.name);
    CHECK(now.stock == 3);
    CHECK(status_of([&] { shop.catalog->update_product("prd_missing", taken, "usr_admin"); }) == 404);
}

TEST_CASE("listings filter by category, tag, price range and stock, and sort four ways") {
    Shop shop;
    shop.add("A", 500, 0, "Kitchen", {"steel"});
    shop.add("B", 1500, 3, "Kitchen", {"wood"});
    shop.add("C", 2500, 7, "Garden", {"wood"});
    shop.add("D", 1500, 1, std::nullopt, {});
    ProductQuery q;
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"D", "C", "B", "A"});
    q.category = "kitchen";
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"B", "A"});
    q = {};
    q.tag = "wood";
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"C", "B"});
    q = {};
    q.min_price = 1000;
    q.max_price = 2000;
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"D", "B"});
    q = {};
    q.in_stock = true;
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"D", "C", "B"});
    q = {};
    q.sort = ProductSort::price;
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"A", "B", "D", "C"});
    q.sort = ProductSort::price_desc;
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"C", "D", "B", "A"});
    q.sort = ProductSort::name;
    CHECK(listed(*shop.catalog, q) == std::vector<std::string>{"A", "B", "C", "D"});
}

TEST_CASE("walking the pages of every sort shows each product exactly once, ties on the sort key included") {
    Shop shop;
    for (int i = 0; i < 23; ++i) shop.add(fmt::format("SKU-{:02}", i), 100 * (i % 4), 1);
    for (const auto sort : {ProductSort::newest, ProductSort::price, ProductSort::price_desc, ProductSort::name}) {
        ProductQuery q;
        q.sort = sort;
        q.limit = 5;
        std::vector<std::string> seen;
        for (int pages = 0; pages < 10; ++pages) {
            const auto page = shop.catalog->products(q);
            for (const auto& p : page.items) seen.push_back(p.sku);
            if (!page.next_cursor) break;
            q.cursor = *page.next_cursor;
        }
        CHECK(seen.size() == 23);
        CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 23);
    }
}

TEST_CASE("a cursor walk while products are being added returns every product that existed before exactly once") {
    Shop shop;
    std::set<std::string> before;
    for (int i = 0; i < 40; ++i) before.insert(shop.add(fmt::format("OLD-{:02}", i), 100 + i).sku);
    std::atomic<bool> walking{true};
    std::atomic<int> added{0};
    std::atomic<bool> inserter_ended{false};
    auto inserter = std::async(std::launch::async, [&] {
        struct MarkEnded {
            std::atomic<bool>& ended;
            ~MarkEnded() { ended = true; }
        } mark_ended{inserter_ended};
        for (int n = 0; walking; ++n) {
            shop.add(fmt::format("NEW-{:03}", n), 100 + n % 50);
            ++added;
        }
    });
    // Each page waits for a fresh insert, so inserts land between pages however the threads are scheduled.
    const auto after_an_insert = [&] {
        const int seen = added;
        while (added == seen && !inserter_ended) std::this_thread::yield();
    };
    for (const auto sort : {ProductSort::newest, ProductSort::price}) {
        ProductQuery q;
        q.sort = sort;
        q.limit = 7;
        std::vector<std::string> old_seen;
        for (;;) {
            after_an_insert();
            const auto page = shop.catalog->products(q);
            for (const auto& p : page.items) {
                if (p.sku.rfind("OLD-", 0) == 0) old_seen.push_back(p.sku);
            }
            if (!page.next_cursor) break;
            q.cursor = *page.next_cursor;
        }
        CHECK(old_seen.size() == before.size());
        CHECK(std::set<std::string>(old_seen.begin(), old_seen.end()) == before);
    }
    walking = false;
    CHECK_NOTHROW(inserter.get());
    CHECK(added >= 2 * (40 / 7));
}

TEST_CASE("a cursor of another sort or a forged one is refused with 422 on the cursor field") {
    Shop shop;
    for (int i = 0; i < 3; ++i) shop.add(fmt::format("SKU-{}", i));
    ProductQuery q;
    q.limit = 1;
    const auto cursor = shop.catalog->products(q).next_cursor;
    REQUIRE(cursor);
    q.sort = ProductSort::price;
    q.cursor = *cursor;
    CHECK(fields_of([&] { shop.catalog->products(q); }) == std::vector<std::string>{"cursor"});
    q.cursor = "not-hex";
    CHECK(fields_of([&] { shop.catalog->products(q); }) == std::vector<std::string>{"cursor"});
}

TEST_CASE("one review per user and product; ratings outside 1-5 or long comments are refused") {
    Shop shop;
    const Product p = shop.add("SKU-1");
    const auto review = shop.catalog->add_review(p.id, "usr_ann", 4, "Solid.");
    CHECK(review.rating == 4);
    CHECK(status_of([&] { shop.catalog->add_review(p.id, "usr_ann", 5, "Again"); }) == 409);
    CHECK(fields_of([&] { shop.catalog->add_review(p.id, "usr_bob", 6, ""); }) == std::vector<std::string>{"rating"});
    CHECK(fields_of([&] { shop.catalog->add_review(p.id, "usr_bob", 0, std::string(2001, 'x')); }) ==
          std::vector<std::string>{"rating", "comment"});
    CHECK(status_of([&] { shop.catalog->add_review("prd_missing", "usr_bob", 3, ""); }) == 404);
    const Product after = shop.catalog->product(p.id);
    CHECK(after.rating_count == 1);
    CHECK(after.rating_avg == doctest::Approx(4.0));
    CHECK(shop.catalog->reviews(p.id, 20, "").items.size() == 1);
}

TEST_CASE("concurrent reviews keep the product's average and count exact") {
    Shop shop;
    const Product p = shop.add("SKU-1");
    std::vector<std::future<void>> writers;
    for (int i = 0; i < 20; ++i) {
        writers.push_back(std::async(std::launch::async, [&, i] {
            shop.catalog->add_review(p.id, fmt::format("usr_{:02}", i), 1 + i % 5, "");
        }));
    }
    for (auto& w : writers) w.get();
    const Product after = shop.catalog->product(p.id);
    CHECK(after.rating_count == 20);
    CHECK(after.rating_avg == doctest::Approx(3.0));
    CHECK(shop.catalog->reviews(p.id, 100, "").items.size() == 20);
}

TEST_CASE("50 concurrent reservations for the last 10 units give exactly 10 successes and stock 0") {
    Shop shop;
    const Product p = shop.add("LAST-10", 1000, 10);
    std::atomic<int> won{0};
    std::atomic<int> refused{0};
    std::vector<std::future<void>> orders;
    for (int i = 0; i < 50; ++i) {
        orders.push_back(std::async(std::launch::async, [&, i] {
            try {
                shop.catalog->reserve(fmt::format("ord_{:02}", i), {{p.id, 1}});
                ++won;
            } catch (const Problem& e) {
                if (e.status() == 409) ++refused;
            }
        }));
    }
    for (auto& o : orders) o.get();
    CHECK(won == 10);
    CHECK(refused == 40);
    CHECK(shop.stock(p.id) == 0);
    CHECK(shop.count("reservations") == 10);
}

TEST_CASE("a reservation takes every line or none") {
    Shop shop;
    const Product plenty = shop.add("PLENTY", 1000, 10);
    const Product scarce = shop.add("SCARCE", 1000, 1);
    CHECK(status_of([&] { shop.catalog->reserve("ord_1", {{scarce.id, 2}, {plenty.id, 3}}); }) == 409);
    CHECK(shop.stock(plenty.id) == 10);
    CHECK(shop.stock(scarce.id) == 1);
    CHECK_FALSE(shop.catalog->reservation("ord_1").has_value());
    CHECK(status_of([&] { shop.catalog->reserve("ord_2", {{plenty.id, 1}, {"prd_missing", 1}}); }) == 409);
    CHECK(shop.stock(plenty.id) == 10);
    CHECK(fields_of([&] { shop.catalog->reserve("ord_3", {{plenty.id, 0}}); }) == std::vector<std::string>{"lines"});
    CHECK(fields_of([&] { shop.catalog->reserve("ord_3", {{plenty.id, 1}, {plenty.id, 1}}); }) ==
          std::vector<std::string>{"lines"});
    const auto r = shop.catalog->reserve("ord_4", {{plenty.id, 3}, {scarce.id, 1}});
    CHECK(r.status == "held");
    CHECK(shop.stock(plenty.id) == 7);
    CHECK(shop.stock(scarce.id) == 0);
}

TEST_CASE("reserving again for the same order returns the first reservation and takes stock once") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1250, 10);
    const auto first = shop.catalog->reserve("ord_1", {{p.id, 2}});
    const auto again = shop.catalog->reserve("ord_1", {{p.id, 2}});
    CHECK(again.expires_at == first.expires_at);
    REQUIRE(again.lines.size() == 1);
    CHECK(again.lines[0].price == 1250);
    CHECK(again.lines[0].sku == "SKU-1");
    CHECK(shop.stock(p.id) == 8);
    CHECK(status_of([&] { shop.catalog->reserve("ord_1", {{p.id, 3}}); }) == 409);
    CHECK(shop.stock(p.id) == 8);
}

TEST_CASE("commit keeps the units sold; release after commit changes nothing; commit after release is 409") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1000, 5);
    shop.catalog->reserve("ord_paid", {{p.id, 2}});
    CHECK(shop.catalog->commit("ord_paid").status == "committed");
    CHECK(shop.catalog->commit("ord_paid").status == "committed");
    CHECK(shop.catalog->release("ord_paid").status == "committed");
    CHECK(shop.stock(p.id) == 3);
    shop.catalog->reserve("ord_gone", {{p.id, 1}});
    CHECK(shop.catalog->release("ord_gone").status == "released");
    CHECK(status_of([&] { shop.catalog->commit("ord_gone"); }) == 409);
    CHECK(shop.stock(p.id) == 3);
    CHECK(status_of([&] { shop.catalog->commit("ord_unknown"); }) == 404);
}

TEST_CASE("an expired reservation is released by the sweeper once; releasing it again changes stock no more") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1000, 5);
    shop.catalog->reserve("ord_late", {{p.id, 2}});
    shop.catalog->reserve("ord_fresh", {{p.id, 1}});
    CHECK(shop.catalog->release_expired() == 0);
    shop.advance(std::chrono::minutes(10));
    shop.catalog->reserve("ord_newer", {{p.id, 1}});
    shop.advance(std::chrono::minutes(6));  // the first two are 16 minutes old, the third 6
    CHECK(shop.catalog->release_expired() == 2);
    CHECK(shop.stock(p.id) == 4);
    CHECK(shop.catalog->release("ord_late").status == "released");
    CHECK(shop.catalog->release_expired() == 0);
    CHECK(shop.stock(p.id) == 4);
    std::size_t releases = 0;
    for (const auto& [topic, payload] : shop.events()) {
        if (topic == "catalog.stock-changed" && payload["reason"] == "released") ++releases;
    }
    CHECK(releases == 2);
    CHECK(status_of([&] { shop.catalog->commit("ord_late"); }) == 409);
}

TEST_CASE("deleting a reserved product hides it everywhere while its reservation keeps name, sku and price") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1999, 5);
    const Product other = shop.add("SKU-2", 500, 5);
    shop.catalog->reserve("ord_1", {{p.id, 1}});
    shop.catalog->commit("ord_1");
    shop.catalog->delete_product(p.id);
    CHECK(status_of([&] { shop.catalog->product(p.id); }) == 404);
    CHECK(listed(*shop.catalog, {}) == std::vector<std::string>{"SKU-2"});
    CHECK(shop.catalog->categories()[0].product_count == 1);
    CHECK(status_of([&] { shop.catalog->delete_product(p.id); }) == 404);
    const auto kept = shop.catalog->reservation("ord_1");
    REQUIRE(kept);
    CHECK(kept->lines[0].name == "Product SKU-1");
    CHECK(kept->lines[0].sku == "SKU-1");
    CHECK(kept->lines[0].price == 1999);
    CHECK(shop.count("products") == 2);  // the row stays, soft-deleted
    shop.add("SKU-1");                  // its sku is free again
    shop.catalog->delete_product(other.id);
    CHECK(shop.count("products") == 2);  // never reserved: removed outright
    CHECK(shop.events().back().second["change"] == "deleted");
}

TEST_CASE("stock adjustments are audited with who, when, delta and reason, and never take stock below zero") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1000, 3);
    const auto a = shop.catalog->adjust_stock(p.id, 5, "delivery from supplier", "usr_clerk");
    CHECK(a.stock_after == 8);
    CHECK(a.actor == "usr_clerk");
    CHECK_FALSE(a.created_at.empty());
    CHECK(status_of([&] { shop.catalog->adjust_stock(p.id, -9, "breakage", "usr_clerk"); }) == 409);
    CHECK(fields_of([&] { shop.catalog->adjust_stock(p.id, 0, " ", "usr_clerk"); }) ==
          std::vector<std::string>{"delta", "reason"});
    CHECK(shop.stock(p.id) == 8);
    CHECK(shop.catalog->stock_adjustments(p.id, 20, "").items.size() == 2);
    CHECK(status_of([&] { shop.catalog->adjust_stock("prd_missing", 1, "x", "usr_clerk"); }) == 404);
}

TEST_CASE("the database itself refuses stock below zero") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1000, 1);
    CHECK_THROWS(shop.db->module("catalog").write([&](soci::session& s) {
        s << "UPDATE catalog.products SET stock = -1 WHERE id = :id", soci::use(p.id);
    }));
    CHECK(shop.stock(p.id) == 1);
}

TEST_CASE("the change listener hears of committed writes only") {
    Shop shop;
    std::mutex m;
    std::vector<std::string> heard;
    shop.catalog->on_change([&](const CatalogChange& change) {
        std::lock_guard lock(m);
        if (change.product_id) heard.push_back(*change.product_id);
    });
    const Product p = shop.add("SKU-1");
    CHECK(std::count(heard.begin(), heard.end(), p.id) == 1);  // once per product and reach in a transaction
    heard.clear();
    // The first product of the batch is written (and its change registered) before the second fails.
    const std::vector<ProductDraft> batch{{"SKU-2", "Two", "", 1, "EUR", 1, std::nullopt, {}},
                                          {"SKU-1", "Taken", "", 1, "EUR", 1, std::nullopt, {}}};
    CHECK(status_of([&] { shop.catalog->create_products(batch, "usr_admin"); }) == 409);
    CHECK(heard.empty());
    CHECK(shop.count("products") == 1);
}

TEST_CASE("the change listener says which changes reach listings: edits, reviews, removals, stock across zero, new categories") {
    Shop shop;
    const Product p = shop.add("SKU-1", 1000, 2);
    std::mutex m;
    std::vector<CatalogChange> heard;
    shop.catalog->on_change([&](const CatalogChange& change) {
        std::lock_guard lock(m);
        heard.push_back(change);
    });
    // Whether each change heard of p reached the listings, in order; the list starts anew.
    auto reach = [&] {
        std::vector<bool> out;
        for (const auto& c : heard) {
            CHECK(c.product_id == p.id);
            out.push_back(c.listings);
        }
        heard.clear();
        return out;
    };
    shop.catalog->adjust_stock(p.id, -1, "breakage", "usr_clerk");  // 2 -> 1
    CHECK(reach() == std::vector<bool>{false});
    shop.catalog->reserve("ord_1", {{p.id, 1}});  // 1 -> 0
    CHECK(reach() == std::vector<bool>{true});
    shop.catalog->release("ord_1");  // 0 -> 1
    CHECK(reach() == std::vector<bool>{true});
    ProductChange cheaper;
    cheaper.price = 900;
    shop.catalog->update_product(p.id, cheaper, "usr_admin");
    CHECK(reach() == std::vector<bool>{true});
    shop.catalog->add_review(p.id, "usr_ann", 5, "");
    CHECK(reach() == std::vector<bool>{true});
    // Stock set by an edit is heard both ways: the product edited, its stock moved (1 -> 4: not across zero).
    ProductChange restocked;
    restocked.stock = 4;
    shop.catalog->update_product(p.id, restocked, "usr_admin");
    CHECK(reach() == std::vector<bool>{false, true});
    shop.catalog->delete_product(p.id);
    CHECK(reach() == std::vector<bool>{true});

    shop.catalog->create_category("Pet Supplies", std::nullopt);
    REQUIRE(heard.size() == 1);
    CHECK_FALSE(heard[0].product_id.has_value());
    CHECK(heard[0].listings);
    CHECK(shop.events().back().first == mercato::catalog::topic_category_created);
    CHECK(shop.events().back().second == nlohmann::json{{"slug", "pet-supplies"}, {"name", "Pet Supplies"}});
}

TEST_CASE("products are read by id in one call: unknown and deleted ones are left out") {
    Shop shop;
    const Product a = shop.add("A");
    const Product b = shop.add("B");
    const Product gone = shop.add("C");
    shop.catalog->delete_product(gone.id);
    auto found = shop.catalog->products_by_id({b.id, "prd_unknown", gone.id, a.id});
    std::sort(found.begin(), found.end(), [](const Product& x, const Product& y) { return x.sku < y.sku; });
    REQUIRE(found.size() == 2);
    CHECK(found[0].id == a.id);
    CHECK(found[0].name == "Product A");
    CHECK(found[1].id == b.id);
    CHECK(shop.catalog->products_by_id({}).empty());
}

TEST_CASE("orders reserving the same products in opposite order all succeed, with no deadlock") {
    Shop shop;
    const Product a = shop.add("A", 100, 1000);
    const Product b = shop.add("B", 100, 1000);
    std::vector<std::future<int>> orders;
    for (int i = 0; i < 30; ++i) {
        orders.push_back(std::async(std::launch::async, [&, i] {
            const std::vector<ReservationLine> lines = i % 2 ? std::vector<ReservationLine>{{a.id, 1}, {b.id, 2}}
                                                             : std::vector<ReservationLine>{{b.id, 2}, {a.id, 1}};
            const auto r = shop.catalog->reserve(fmt::format("ord_{:02}", i), lines);
            if (i % 3 == 0) shop.catalog->release(r.order_id);
            return static_cast<int>(r.lines.size());
        }));
    }
    for (auto& o : orders) CHECK(o.get() == 2);
    CHECK(shop.stock(a.id) == 1000 - 20);
    CHECK(shop.stock(b.id) == 1000 - 40);
}

TEST_CASE("one order reserved by many callers at once takes its stock once") {
    Shop shop;
    const Product p = shop.add("SKU-1", 100, 10);
    std::vector<std::future<std::string>> calls;
    for (int i = 0; i < 10; ++i) {
        calls.push_back(std::async(std::launch::async, [&] { return shop.catalog->reserve("ord_same", {{p.id, 3}}).expires_at; }));
    }
    std::set<std::string> answers;
    for (auto& c : calls) answers.insert(c.get());
    CHECK(answers.size() == 1);
    CHECK(shop.stock(p.id) == 7);
}

TEST_CASE("a shortfall names every short line, and a released order cannot be reserved again") {
    Shop shop;
    const Product a = shop.add("A", 100, 1);
    const Product b = shop.add("B", 100, 5);
    const Product c = shop.add("C", 100, 0);
    try {
        shop.catalog->reserve("ord_1", {{a.id, 2}, {b.id, 1}, {c.id, 1}, {"prd_missing", 1}});
        FAIL("the reservation should have been refused");
    } catch (const mercato::catalog::OutOfStock& e) {
        std::set<std::string> short_ids;
        for (const auto& s : e.shortfalls()) short_ids.insert(s.product_id);
        CHECK(short_ids == std::set<std::string>{a.id, c.id, "prd_missing"});
        CHECK(e.status() == 409);
    }
    CHECK(shop.stock(b.id) == 5);
    shop.catalog->reserve("ord_2", {{b.id, 1}});
    shop.catalog->release("ord_2");
    CHECK(status_of([&] { shop.catalog->reserve("ord_2", {{b.id, 1}}); }) == 409);
    CHECK(shop.stock(b.id) == 5);
}

TEST_CASE("prices, stock and adjustments beyond the catalog's bounds, and control characters, are refused") {
    Shop shop;
    ProductDraft huge{"SKU-1", "Name\x01", "", 2'000'000'000'000, "EUR", 2'000'000'000, std::nullopt, {}};
    CHECK(fields_of([&] { shop.catalog->create_product(huge, "usr_admin"); }) ==
          std::vector<std::string>{"name", "price", "stock"});
    const Product p = shop.add("SKU-2", 100, 999'999'999);
    CHECK(status_of([&] { shop.catalog->adjust_stock(p.id, 2, "too many", "usr_admin"); }) == 409);
    CHECK(fields_of([&] { shop.catalog->adjust_stock(p.id, 9'000'000'000'000'000'000, "overflow", "usr_admin"); }) ==
          std::vector<std::string>{"delta"});
    CHECK(shop.stock(p.id) == 999'999'999);
}
