// The catalog's read cache under changes, on the real server (tests/http on SQLite, tests/pg on
// PostgreSQL): once a change is acknowledged, no read of a page it altered shows the old value, from
// many connections at once and while other readers were reading through the change; on another server
// copy of the same database, from the moment the catalog's log has reached it.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernel/migration_source.hpp"
#include "support/eventually.hpp"
#include "support/running_app.hpp"
#include "support/shop_server.hpp"
#include "support/test_database.hpp"
#include "support/test_paths.hpp"

using mercato::test::suite_database;

namespace {

using mercato::test::HttpClient;
using mercato::test::ShopServer;
using nlohmann::json;

constexpr int readers = 16;

void quick_bus(mercato::kernel::Config& config) {
    // Another copy's changes reach this one within a poll on SQLite (PostgreSQL wakes it sooner).
    config.bus_poll_interval_ms = 50;
}

// What a page must show once a change is acknowledged.
struct FreshPage {
    std::string target;
    std::function<bool(const json&)> fresh;
};

const json* item(const json& page, const std::string& id) {
    for (const auto& p : page["items"]) {
        if (p["id"] == id) return &p;
    }
    return nullptr;
}

// The product on the listing page shows field at value.
std::function<bool(const json&)> listed_with(const std::string& id, const char* field, json value) {
    return [=](const json& page) {
        const auto* p = item(page, id);
        return p != nullptr && (*p)[field] == value;
    };
}

std::function<bool(const json&)> shown_with(const char* field, json value) {
    return [=](const json& product) { return product[field] == value; };
}

std::function<bool(const json&)> not_listed(const std::string& id) {
    return [=](const json& page) { return item(page, id) == nullptr; };
}

std::optional<std::int64_t> product_count(const json& categories, const std::string& slug) {
    for (const auto& c : categories["items"]) {
        if (c["slug"] == slug) return c["product_count"].get<std::int64_t>();
    }
    return std::nullopt;
}

// The page's answer is stale or wrong: its target and body, else nothing.
std::optional<std::string> stale(HttpClient& c, const FreshPage& page) {
    const auto reply = c.get(page.target);
    if (reply.status == 200 && page.fresh(reply.json())) return std::nullopt;
    return page.target + " answered " + std::to_string(reply.status) + ": " + reply.body;
}

// Every page read by many connections at once, each starting at another page; the stale answers.
std::vector<std::string> stale_reads(std::uint16_t port, const std::vector<FreshPage>& pages) {
    std::mutex mutex;
    std::vector<std::string> found;
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r) {
        threads.emplace_back([&, r] {
            HttpClient c(port);
            for (std::size_t i = 0; i < pages.size(); ++i) {
                if (auto wrong = stale(c, pages[(i + r) % pages.size()])) {
                    std::lock_guard lock(mutex);
                    found.push_back(std::move(*wrong));
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    return found;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

// Readers that keep reading the pages while changes are made, so some of their reads begin before a
// change and end after it: the ones a cache could wrongly keep.
class ReadersThroughChanges {
public:
    ReadersThroughChanges(std::uint16_t port, std::vector<std::string> targets) {
        for (int i = 0; i < 3; ++i) {
            threads_.emplace_back([this, port, targets] {
                HttpClient c(port);
                while (!stop_) {
                    for (const auto& t : targets) c.get(t);
                }
            });
        }
    }
    ~ReadersThroughChanges() {
        stop_ = true;
        for (auto& t : threads_) t.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

// Three products in two categories, made through one copy: a mug (the last one in stock), a pan and a hose.
struct Shelf {
    Shelf(ShopServer& shop, HttpClient& c)
        : mug(made(shop, c, "MUG", 1500, 1, "Kitchen")), pan(made(shop, c, "PAN", 3000, 5, "Kitchen")),
          hose(made(shop, c, "HOSE", 2000, 4, "Garden")) {}

    static std::string made(ShopServer& shop, HttpClient& c, const std::string& sku, std::int64_t price, std::int64_t stock,
                            const std::string& category) {
        const auto reply = ShopServer::send(c, "POST", "/v1/products",
                                            {{"sku", sku}, {"name", "Product " + sku}, {"price", price}, {"currency", "EUR"},
                                             {"stock", stock}, {"category", category}},
                                            shop.admin);
        REQUIRE(reply.status == 201);
        return reply.json()["id"].get<std::string>();
    }

    std::string page(const std::string& id) const { return "/v1/products/" + id; }

    std::string mug;
    std::string pan;
    std::string hose;
};

const std::string all = "/v1/products";
const std::string in_stock = "/v1/products?in_stock=true";
const std::string kitchen = "/v1/products?category=kitchen";
const std::string garden = "/v1/products?category=garden";
const std::string by_price = "/v1/products?sort=price";
const std::string categories = "/v1/categories";

std::vector<std::string> every_page(const Shelf& shelf) {
    return {shelf.page(shelf.mug), shelf.page(shelf.pan), all, in_stock, kitchen, garden, by_price, categories};
}

void expect_ok(const mercato::test::HttpReply& reply, int status) { REQUIRE_MESSAGE(reply.status == status, reply.body); }

// Makes each change through writer, and after each hands check the pages it altered with what they must show:
// a price, the last unit sold (across zero), a unit ordered (not across zero), a category, a review, a new category.
void walk_changes(ShopServer& shop, HttpClient& writer, const Shelf& shelf,
                  const std::function<void(const std::string& change, const std::vector<FreshPage>&)>& check) {
    const auto& mug = shelf.mug;
    expect_ok(ShopServer::send(writer, "PUT", shelf.page(mug), {{"price", 2500}}, shop.admin), 200);
    check("price", {{shelf.page(mug), shown_with("price", 2500)},
                    {all, listed_with(mug, "price", 2500)},
                    {in_stock, listed_with(mug, "price", 2500)},
                    {kitchen, listed_with(mug, "price", 2500)},
                    {by_price, [&](const json& page) {
                         return page["items"].size() == 3 && page["items"][0]["id"] == shelf.hose && page["items"][1]["id"] == mug &&
                                page["items"][1]["price"] == 2500;
                     }}});

    expect_ok(ShopServer::send(writer, "POST", shelf.page(mug) + "/stock-adjustments", {{"delta", -1}, {"reason", "sold at the till"}},
                               shop.admin),
              201);
    check("stock across zero", {{shelf.page(mug), shown_with("stock", 0)},
                                {all, listed_with(mug, "stock", 0)},
                                {in_stock, not_listed(mug)},
                                {kitchen, listed_with(mug, "stock", 0)},
                                {by_price, listed_with(mug, "stock", 0)}});

    // An order takes a unit of the pan (5 -> 4): the listings stay kept, the pan's own entry goes.
    expect_ok(ShopServer::send(writer, "POST", "/v1/orders", ShopServer::cart(shelf.pan, 1), shop.ann), 201);
    check("stock not across zero", {{shelf.page(shelf.pan), shown_with("stock", 4)},
                                    {all, listed_with(shelf.pan, "stock", 4)},
                                    {in_stock, listed_with(shelf.pan, "stock", 4)},
                                    {kitchen, listed_with(shelf.pan, "stock", 4)},
                                    {by_price, listed_with(shelf.pan, "stock", 4)}});

    expect_ok(ShopServer::send(writer, "PUT", shelf.page(mug), {{"category", "Garden"}}, shop.admin), 200);
    check("category", {{shelf.page(mug), shown_with("category", "garden")},
                       {kitchen, not_listed(mug)},
                       {garden, listed_with(mug, "category", "garden")},
                       {all, listed_with(mug, "category", "garden")},
                       {categories, [](const json& list) {
                            return product_count(list, "kitchen") == 1 && product_count(list, "garden") == 2;
                        }}});

    expect_ok(ShopServer::send(writer, "POST", shelf.page(mug) + "/reviews", {{"rating", 4}, {"comment", "Holds a lot."}}, shop.ann),
              201);
    check("review", {{shelf.page(mug), shown_with("rating_count", 1)},
                     {all, listed_with(mug, "rating_count", 1)},
                     {garden, listed_with(mug, "rating_avg", 4.0)},
                     {by_price, listed_with(mug, "rating_count", 1)}});

    expect_ok(ShopServer::send(writer, "POST", "/v1/categories", {{"name", "Toys"}}, shop.admin), 201);
    check("new category", {{categories, [](const json& list) { return product_count(list, "toys") == 0; }}});
}

// Reads every page twice, so each is kept (the second read a hit).
void warm(std::uint16_t port, const Shelf& shelf) {
    HttpClient c(port);
    for (int round = 0; round < 2; ++round) {
        for (const auto& target : every_page(shelf)) REQUIRE(c.get(target).status == 200);
    }
}

}  // namespace

TEST_CASE("right after a change is acknowledged, no page it altered shows the old value, to any of many readers at once") {
    ShopServer shop(suite_database(), quick_bus);
    auto writer = shop.client();
    const Shelf shelf(shop, writer);
    warm(shop.app->port(), shelf);
    ReadersThroughChanges through(shop.app->port(), every_page(shelf));
    walk_changes(shop, writer, shelf, [&](const std::string& change, const std::vector<FreshPage>& pages) {
        const auto wrong = stale_reads(shop.app->port(), pages);
        CHECK_MESSAGE(wrong.empty(), "after the " << change << " change:\n" << joined(wrong));
    });
}

TEST_CASE("a change made through another server copy: once the log reaches this copy, no page it altered shows the old value") {
    ShopServer shop(suite_database(), quick_bus);
    auto config = mercato::test::test_config(shop.db->url());
    quick_bus(config);
    mercato::test::TempDir other_index;  // each copy keeps a search index of its own
    config.edit_section("search").set("index_dir", other_index.str());
    mercato::test::RunningApp other({config, mercato::kernel::embedded_migrations(), true, {}, {}});
    HttpClient writer(other.port());
    const Shelf shelf(shop, writer);
    const auto port = shop.app->port();
    REQUIRE(mercato::test::eventually([&] {  // this copy knows of all three products before it keeps anything
        HttpClient c(port);
        return c.get(all).json()["items"].size() == 3;
    }));
    warm(port, shelf);
    ReadersThroughChanges through(port, every_page(shelf));
    walk_changes(shop, writer, shelf, [&](const std::string& change, const std::vector<FreshPage>& pages) {
        HttpClient c(port);
        CHECK_MESSAGE(mercato::test::eventually([&] {
                          for (const auto& page : pages) {
                              if (stale(c, page)) return false;
                          }
                          return true;
                      }),
                      "the " << change << " change never reached this copy");
        const auto wrong = stale_reads(port, pages);
        CHECK_MESSAGE(wrong.empty(), "after the " << change << " change reached this copy:\n" << joined(wrong));
    });
}
