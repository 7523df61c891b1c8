// The orders module through its facade, with the real catalog beside it, on SQLite (tests/module) and
// PostgreSQL (tests/pg). The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/metrics.hpp"
#include "kernel/problem.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/orders/api/orders.hpp"
#include "support/eventually.hpp"
#include "support/problem_of.hpp"
#include "support/module_database.hpp"
#include "support/test_database.hpp"

using mercato::test::fields_of;
using mercato::test::status_of;
using mercato::test::suite_database;

namespace {

using mercato::kernel::Problem;
using mercato::orders::IdempotencyKey;
using mercato::orders::LineRequest;
using mercato::orders::NewOrder;
using mercato::orders::Order;
using mercato::orders::Viewer;
using mercato::test::eventually;
using Clock = std::chrono::system_clock;

// The orders and catalog modules on a fresh database, the catalog following the orders log, with a
// clock the test moves.
struct Shop {
    explicit Shop(std::function<void()> before_store = {}) : t(suite_database()) {
        db = mercato::test::open_module_database(*t, {"catalog", "orders"}, 16);
        mercato::kernel::bus::BusOptions bus_options;
        bus_options.poll_interval = std::chrono::milliseconds(50);
        bus = std::make_unique<mercato::kernel::bus::Bus>(db, metrics, bus_options);
        const auto now = [this] { return Clock::time_point(std::chrono::milliseconds(clock_ms.load())); };
        mercato::catalog::CatalogSettings catalog_settings;
        catalog_settings.now = now;
        catalog = std::make_unique<mercato::catalog::Catalog>(db, *bus, catalog_settings);
        mercato::orders::OrdersSettings settings;
        settings.now = now;
        settings.before_store = std::move(before_store);
        orders = std::make_unique<mercato::orders::Orders>(db, *bus, *catalog, settings);
        catalog->follow_orders(*bus);
        bus->start();
    }
    ~Shop() { bus->stop(); }

    std::string product(const std::string& sku, std::int64_t stock, std::int64_t price = 1000, const std::string& currency = "EUR") {
        return catalog->create_product({sku, "Product " + sku, "", price, currency, stock, std::nullopt, {}}, "usr_admin").id;
    }

    static NewOrder cart(std::vector<LineRequest> items) {
        return {std::move(items), {"Ann Smith", "1 Main St", "", "Berlin", "10115", "DE"}, std::nullopt};
    }

    Order place(const std::string& user, std::vector<LineRequest> items) { return orders->place(user, cart(std::move(items))).order; }

    std::int64_t stock(const std::string& id) { return catalog->product(id).stock; }

    void advance(std::chrono::seconds by) { clock_ms += std::chrono::duration_cast<std::chrono::milliseconds>(by).count(); }

    // Whether the group has handled everything in its logs.
    bool caught_up(const std::string& group) {
        for (const auto& g : bus->status()) {
            if (g.group == group) return g.lag == 0 && g.retrying == 0;
        }
        return false;
    }

    std::vector<nlohmann::json> events(const std::string& topic) {
        return db->module("orders").read([&](soci::session& s) {
            std::vector<nlohmann::json> out;
            soci::rowset<soci::row> rows = (s.prepare << "SELECT payload FROM orders.outbox WHERE topic = :t ORDER BY id", soci::use(topic));
            for (const auto& r : rows) out.push_back(nlohmann::json::parse(r.get<std::string>(0)));
            return out;
        });
    }

    std::size_t count(const char* module, const char* table) {
        return db->module(module).read([&](soci::session& s) {
            long long n = 0;
            s << "SELECT COUNT(*) FROM " << module << "." << table, soci::into(n);
            return static_cast<std::size_t>(n);
        });
    }

    std::unique_ptr<mercato::test::TestDatabase> t;
    std::shared_ptr<mercato::kernel::Database> db;
    mercato::kernel::MetricsRegistry metrics;
    std::unique_ptr<mercato::kernel::bus::Bus> bus;
    std::atomic<std::int64_t> clock_ms{1'800'000'000'000};
    std::unique_ptr<mercato::catalog::Catalog> catalog;
    std::unique_ptr<mercato::orders::Orders> orders;
};

std::vector<std::string> statuses(const Order& o) {
    std::vector<std::string> out;
    for (const auto& h : o.history) out.push_back(h.status);
    return out;
}

}  // namespace

TEST_CASE("placing an order prices it from the catalog, reserves its stock and stores it pending with orders.created") {
    Shop shop;
    const auto a = shop.product("A", 5, 1250);
    const auto b = shop.product("B", 5, 300);
    const Order o = shop.place("usr_ann", {{a, 2}, {b, 1}});
    CHECK(o.id.rfind("ord_", 0) == 0);
    CHECK(o.status == "pending");
    REQUIRE(o.items.size() == 2);
    CHECK(o.items[0].product_id == a);
    CHECK(o.items[0].unit_price == 1250);
    CHECK(o.items[0].sku == "A");
    CHECK(o.subtotal == 2800);
    CHECK(o.total == 2800);
    CHECK(o.currency == "EUR");
    CHECK(statuses(o) == std::vector<std::string>{"pending"});
    CHECK(shop.stock(a) == 3);
    CHECK(shop.stock(b) == 4);
    CHECK(shop.catalog->reservation(o.id)->status == "held");
    const Order stored = shop.orders->order(o.id, {"usr_ann", false});
    CHECK(stored.items.size() == 2);
    CHECK(stored.shipping_address.city == "Berlin");
    const auto created = shop.events("orders.created");
    REQUIRE(created.size() == 1);
    CHECK(created[0]["order"]["id"] == o.id);
    CHECK(created[0]["order"]["total"] == 2800);
}

TEST_CASE("an invalid order is refused with every bad field named, and nothing is reserved") {
    Shop shop;
    const auto a = shop.product("A", 5);
    NewOrder bad = Shop::cart({{a, 0}, {a, 1}, {"", 1001}});
    bad.shipping_address = {" ", "", std::string(201, 'x'), "", "", "XX"};
    CHECK(fields_of([&] { shop.orders->place("usr_ann", bad); }) ==
          std::vector<std::string>{"items[0].quantity", "items[1].product_id", "items[2].product_id", "items[2].quantity",
                                   "shipping_address.name", "shipping_address.line1", "shipping_address.line2",
                                   "shipping_address.city", "shipping_address.postal_code", "shipping_address.country"});
    CHECK(fields_of([&] { shop.orders->place("usr_ann", Shop::cart({})); }) == std::vector<std::string>{"items"});
    std::vector<LineRequest> many;
    for (int i = 0; i < 101; ++i) many.push_back({fmt::format("prd_{}", i), 1});
    CHECK(fields_of([&] { shop.orders->place("usr_ann", Shop::cart(many)); }).front() == "items");
    CHECK(shop.stock(a) == 5);
    CHECK(shop.count("orders", "orders") == 0);
    CHECK(shop.count("catalog", "reservations") == 0);
}

TEST_CASE("an order short of stock is 409 naming the short lines, and nothing is reserved") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const auto b = shop.product("B", 1);
    CHECK(fields_of([&] { shop.place("usr_ann", {{a, 2}, {b, 2}}); }) == std::vector<std::string>{"items[1].quantity"});
    CHECK(status_of([&] { shop.place("usr_ann", {{a, 2}, {b, 2}}); }) == 409);
    CHECK(shop.stock(a) == 5);
    CHECK(shop.stock(b) == 1);
    CHECK(shop.count("orders", "orders") == 0);
}

TEST_CASE("lines in two currencies are 422 and leave no stock reserved") {
    Shop shop;
    const auto eur = shop.product("EUR-1", 5, 1000, "EUR");
    const auto usd = shop.product("USD-1", 5, 1000, "USD");
    CHECK(fields_of([&] { shop.place("usr_ann", {{eur, 1}, {usd, 1}}); }) == std::vector<std::string>{"items[1].product_id"});
    CHECK(shop.stock(eur) == 5);
    CHECK(shop.stock(usd) == 5);
    CHECK(shop.count("orders", "orders") == 0);
}

TEST_CASE("a failure between reserving the stock and storing the order leaves the stock untouched") {
    Shop shop([] { throw std::runtime_error("the database went away"); });
    const auto a = shop.product("A", 5);
    CHECK_THROWS_WITH(shop.place("usr_ann", {{a, 3}}), "the database went away");
    CHECK(shop.stock(a) == 5);
    CHECK(shop.count("orders", "orders") == 0);
    CHECK(shop.catalog->products({}).items.front().stock == 5);
}

TEST_CASE("40 concurrent customers ordering the last 10 units get exactly 10 orders and 30 409s") {
    Shop shop;
    const auto a = shop.product("LAST", 10);
    std::atomic<int> placed{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> other{0};
    std::vector<std::future<void>> customers;
    for (int i = 0; i < 40; ++i) {
        customers.push_back(std::async(std::launch::async, [&, i] {
            try {
                shop.place(fmt::format("usr_{:02}", i), {{a, 1}});
                ++placed;
            } catch (const Problem& p) {
                (p.status() == 409 ? conflicts : other)++;
            } catch (...) {
                ++other;
            }
        }));
    }
    for (auto& c : customers) c.get();
    CHECK(placed == 10);
    CHECK(conflicts == 30);
    CHECK(other == 0);
    CHECK(shop.stock(a) == 0);
    CHECK(shop.count("orders", "orders") == 10);
}

TEST_CASE("an Idempotency-Key replays the first answer byte for byte; another body with it is 422") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const IdempotencyKey key{"key-1", "hash-of-body-1"};
    const auto first = shop.orders->place("usr_ann", Shop::cart({{a, 1}}), key);
    CHECK_FALSE(first.replayed);
    const auto again = shop.orders->place("usr_ann", Shop::cart({{a, 1}}), key);
    CHECK(again.replayed);
    CHECK(again.body == first.body);
    CHECK(again.order.id == first.order.id);
    CHECK(shop.stock(a) == 4);
    CHECK(fields_of([&] { shop.orders->place("usr_ann", Shop::cart({{a, 2}}), IdempotencyKey{"key-1", "hash-of-body-2"}); }) ==
          std::vector<std::string>{"Idempotency-Key"});
    // Keys are per user: another customer's same key is another request.
    CHECK_FALSE(shop.orders->place("usr_bob", Shop::cart({{a, 1}}), key).replayed);
    CHECK(shop.count("orders", "orders") == 2);
}

TEST_CASE("20 parallel replays of one Idempotency-Key create one order; the rest replay it or are told to retry") {
    Shop shop;
    const auto a = shop.product("A", 100);
    std::atomic<int> in_flight{0};
    std::vector<std::future<std::string>> calls;
    for (int i = 0; i < 20; ++i) {
        calls.push_back(std::async(std::launch::async, [&]() -> std::string {
            try {
                return shop.orders->place("usr_ann", Shop::cart({{a, 1}}), IdempotencyKey{"same", "same-body"}).body;
            } catch (const Problem& p) {
                if (p.status() == 409) ++in_flight;
                return "";
            }
        }));
    }
    std::set<std::string> bodies;
    for (auto& c : calls) {
        const auto body = c.get();
        if (!body.empty()) bodies.insert(body);
    }
    CHECK(bodies.size() == 1);
    CHECK(shop.count("orders", "orders") == 1);
    CHECK(shop.stock(a) == 99);
    CHECK(shop.orders->place("usr_ann", Shop::cart({{a, 1}}), IdempotencyKey{"same", "same-body"}).replayed);
}

TEST_CASE("a key whose request failed can be used again") {
    Shop shop;
    const auto a = shop.product("A", 1);
    const IdempotencyKey key{"retry-me", "body"};
    CHECK(status_of([&] { shop.orders->place("usr_ann", Shop::cart({{a, 2}}), key); }) == 409);
    shop.catalog->adjust_stock(a, 5, "delivery", "usr_admin");
    CHECK_FALSE(shop.orders->place("usr_ann", Shop::cart({{a, 2}}), key).replayed);
}

TEST_CASE("the lifecycle moves forward one step at a time, records each move, and refuses the rest with 409") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const Order o = shop.place("usr_ann", {{a, 1}});
    CHECK(status_of([&] { shop.orders->set_status(o.id, "delivered", "usr_admin"); }) == 409);
    CHECK(status_of([&] { shop.orders->set_status(o.id, "returned", "usr_admin"); }) == 409);
    CHECK(fields_of([&] { shop.orders->set_status(o.id, "teleported", "usr_admin"); }) == std::vector<std::string>{"status"});
    shop.orders->set_status(o.id, "processing", "usr_admin");
    shop.orders->set_status(o.id, "shipped", "usr_admin");
    const Order done = shop.orders->set_status(o.id, "delivered", "usr_admin");
    CHECK(statuses(done) == std::vector<std::string>{"pending", "processing", "shipped", "delivered"});
    CHECK(status_of([&] { shop.orders->set_status(o.id, "cancelled", "usr_admin"); }) == 409);
    CHECK(status_of([&] { shop.orders->set_status("ord_missing", "processing", "usr_admin"); }) == 404);
    CHECK(shop.events("orders.status-changed").size() == 3);
}

TEST_CASE("a successful payment moves the order to processing once, and the catalog commits its reservation") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const Order o = shop.place("usr_ann", {{a, 2}});
    shop.orders->payment_succeeded(o.id);
    shop.orders->payment_succeeded(o.id);
    const Order paid = shop.orders->order(o.id, {"usr_ann", false});
    CHECK(statuses(paid) == std::vector<std::string>{"pending", "processing"});
    CHECK(eventually([&] { return shop.catalog->reservation(o.id)->status == "committed"; }));
    CHECK(shop.stock(a) == 3);
}

TEST_CASE("carrier updates move a paid order to shipped and delivered, and repeats change nothing") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const Order o = shop.place("usr_ann", {{a, 1}});
    shop.orders->shipment_update(o.id, "in_transit");  // not paid yet: nothing to ship
    CHECK(shop.orders->order(o.id, {"usr_ann", false}).status == "pending");
    shop.orders->payment_succeeded(o.id);
    shop.orders->shipment_update(o.id, "in_transit");
    shop.orders->shipment_update(o.id, "in_transit");
    shop.orders->shipment_update(o.id, "delivered");
    shop.orders->shipment_update(o.id, "delivered");
    CHECK(statuses(shop.orders->order(o.id, {"usr_ann", false})) ==
          std::vector<std::string>{"pending", "processing", "shipped", "delivered"});
}

TEST_CASE("an unpaid order is cancelled when its window closes, and its stock is released exactly once") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const Order late = shop.place("usr_ann", {{a, 2}});
    const Order paid = shop.place("usr_bob", {{a, 1}});
    shop.orders->payment_succeeded(paid.id);
    shop.advance(std::chrono::minutes(29));
    CHECK(shop.orders->expire_unpaid() == 0);
    shop.advance(std::chrono::minutes(2));
    CHECK(shop.orders->expire_unpaid() == 1);
    CHECK(shop.orders->expire_unpaid() == 0);
    CHECK(shop.orders->order(late.id, {"usr_ann", false}).status == "cancelled");
    CHECK(shop.orders->order(paid.id, {"usr_bob", false}).status == "processing");
    CHECK(shop.stock(a) == 4);
    // The catalog also hears of the cancellation from the orders log; the stock still moves once.
    CHECK(eventually([&] { return shop.caught_up("catalog.order-stock"); }));
    CHECK(shop.stock(a) == 4);
    CHECK(shop.catalog->release_expired() == 0);
    const auto changes = shop.events("orders.status-changed");
    REQUIRE(changes.size() == 2);
    CHECK(changes[1]["status"] == "cancelled");
    CHECK(changes[1]["reason"] == "payment window closed");
}

TEST_CASE("the owner cancels a pending order and gets the stock back; others cannot see it; paid orders stay") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const Order o = shop.place("usr_ann", {{a, 2}});
    CHECK(status_of([&] { shop.orders->cancel(o.id, {"usr_bob", false}); }) == 404);
    CHECK(status_of([&] { shop.orders->order(o.id, {"usr_bob", false}); }) == 404);
    CHECK(shop.orders->cancel(o.id, {"usr_ann", false}).status == "cancelled");
    CHECK(shop.stock(a) == 5);
    CHECK(status_of([&] { shop.orders->cancel(o.id, {"usr_ann", false}); }) == 409);
    const Order paid = shop.place("usr_ann", {{a, 1}});
    shop.orders->payment_succeeded(paid.id);
    CHECK(status_of([&] { shop.orders->cancel(paid.id, {"usr_ann", false}); }) == 409);
    CHECK(status_of([&] { shop.orders->cancel(paid.id, {"usr_admin", true}); }) == 409);
    const Order other = shop.place("usr_ann", {{a, 1}});
    CHECK(shop.orders->cancel(other.id, {"usr_admin", true}).status == "cancelled");
    CHECK(shop.stock(a) == 4);
}

TEST_CASE("a delivered order's owner asks for a return; approval marks it returned, refunds its amount and restocks") {
    Shop shop;
    const auto a = shop.product("A", 5, 1500);
    const auto b = shop.product("B", 5, 200);
    const Order o = shop.place("usr_ann", {{a, 2}, {b, 1}});
    CHECK(status_of([&] { shop.orders->request_return(o.id, {"usr_ann", false}, {{a, 1}}, "too big"); }) == 409);
    shop.orders->payment_succeeded(o.id);
    shop.orders->shipment_update(o.id, "delivered");
    CHECK(fields_of([&] { shop.orders->request_return(o.id, {"usr_ann", false}, {{a, 3}, {"prd_other", 1}}, " "); }) ==
          std::vector<std::string>{"items[0].quantity", "items[1].product_id", "reason"});
    CHECK(status_of([&] { shop.orders->request_return(o.id, {"usr_bob", false}, {{a, 1}}, "mine"); }) == 404);
    const auto r = shop.orders->request_return(o.id, {"usr_ann", false}, {{a, 1}}, "too big");
    CHECK(r.status == "requested");
    CHECK(status_of([&] { shop.orders->request_return(o.id, {"usr_ann", false}, {{b, 1}}, "also"); }) == 409);
    CHECK(shop.orders->decide_return(o.id, r.id, true, "usr_admin").status == "approved");
    CHECK(status_of([&] { shop.orders->decide_return(o.id, r.id, false, "usr_admin"); }) == 409);
    CHECK(shop.orders->order(o.id, {"usr_ann", false}).status == "returned");
    const auto changes = shop.events("orders.status-changed");
    CHECK(changes.back()["status"] == "returned");
    CHECK(changes.back()["return"]["amount"] == 1500);
    CHECK(changes.back()["return"]["items"][0]["quantity"] == 1);
    CHECK(eventually([&] { return shop.stock(a) == 4; }));
    CHECK(shop.stock(b) == 4);
}

TEST_CASE("a rejected return leaves the order delivered, and the customer may ask again") {
    Shop shop;
    const auto a = shop.product("A", 5);
    const Order o = shop.place("usr_ann", {{a, 1}});
    shop.orders->payment_succeeded(o.id);
    shop.orders->shipment_update(o.id, "delivered");
    const auto r = shop.orders->request_return(o.id, {"usr_ann", false}, {{a, 1}}, "changed my mind");
    CHECK(shop.orders->decide_return(o.id, r.id, false, "usr_admin").status == "rejected");
    CHECK(shop.orders->order(o.id, {"usr_ann", false}).status == "delivered");
    CHECK(status_of([&] { shop.orders->decide_return(o.id, "ret_missing", true, "usr_admin"); }) == 404);
    CHECK(shop.orders->request_return(o.id, {"usr_ann", false}, {{a, 1}}, "really").status == "requested");
}

TEST_CASE("history lists the caller's orders newest first by cursor; admins see all and filter by user and status") {
    Shop shop;
    const auto a = shop.product("A", 100);
    std::vector<std::string> ann;
    for (int i = 0; i < 5; ++i) {
        shop.advance(std::chrono::seconds(1));
        ann.push_back(shop.place("usr_ann", {{a, 1}}).id);
    }
    shop.advance(std::chrono::seconds(1));
    const auto bob = shop.place("usr_bob", {{a, 1}}).id;
    shop.orders->cancel(ann[0], {"usr_ann", false});
    mercato::orders::OrderQuery q;
    q.limit = 2;
    std::vector<std::string> seen;
    for (;;) {
        const auto page = shop.orders->orders({"usr_ann", false}, q);
        for (const auto& o : page.items) seen.push_back(o.id);
        if (!page.next_cursor) break;
        q.cursor = *page.next_cursor;
    }
    CHECK(seen == std::vector<std::string>{ann[4], ann[3], ann[2], ann[1], ann[0]});
    mercato::orders::OrderQuery sneaky;
    sneaky.user_id = "usr_bob";
    CHECK(shop.orders->orders({"usr_ann", false}, sneaky).items.size() == 5);  // a customer's filter is themselves
    CHECK(shop.orders->orders({"usr_admin", true}, {}).items.size() == 6);
    CHECK(shop.orders->orders({"usr_admin", true}, sneaky).items.front().id == bob);
    mercato::orders::OrderQuery cancelled;
    cancelled.status = "cancelled";
    CHECK(shop.orders->orders({"usr_admin", true}, cancelled).items.size() == 1);
    cancelled.status = "lost";
    CHECK(fields_of([&] { shop.orders->orders({"usr_admin", true}, cancelled); }) == std::vector<std::string>{"status"});
}
