// The Catalog rows of API.md over HTTP on the real server, run on SQLite (tests/http) and PostgreSQL
// (tests/pg): who may call what, the answers and errors, ETags, and the read cache across server copies.
// The tier that links it defines suite_database() for its backend.

#include <doctest/doctest.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "kernel/migration_source.hpp"
#include "modules/users/api/users.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/running_app.hpp"
#include "support/shop_server.hpp"
#include "support/test_database.hpp"
#include "support/test_paths.hpp"

using mercato::test::suite_database;

namespace {

using nlohmann::json;
using mercato::test::check_problem;
using mercato::test::HttpClient;
using mercato::test::HttpReply;

constexpr const char* password = "correct horse battery";

mercato::test::AppSetup shop_setup(const std::string& db_url) {
    auto config = mercato::test::test_config(db_url);
    // Other server copies' changes reach this one's cache within a poll.
    config.bus_poll_interval_ms = 50;
    return {config, mercato::kernel::embedded_migrations(), true, {}, {}};
}

struct CatalogServer {
    CatalogServer() : db(suite_database()), app(std::make_unique<mercato::test::RunningApp>(shop_setup(db->url()))) {
        app->app().users()->create_admin("admin@example.com", password);
        HttpClient c = client();
        admin = {{"Authorization", "Bearer " + login(c, "admin@example.com")}};
        post(c, "/v1/users/register", {{"email", "ann@example.com"}, {"password", password}, {"name", "Ann"}});
        customer = {{"Authorization", "Bearer " + login(c, "ann@example.com")}};
    }

    HttpClient client() const { return HttpClient(app->port()); }

    static HttpReply post(HttpClient& c, const std::string& path, const json& body, const mercato::test::Headers& headers = {}) {
        return send(c, "POST", path, body, headers);
    }

    static HttpReply send(HttpClient& c, const std::string& method, const std::string& path, const json& body,
                          const mercato::test::Headers& headers = {}) {
        auto all = headers;
        all.emplace_back("Content-Type", "application/json");
        return c.send(method, path, body.dump(), all);
    }

    static std::string login(HttpClient& c, const std::string& email) {
        const auto reply = post(c, "/v1/users/login", {{"email", email}, {"password", password}});
        REQUIRE(reply.status == 200);
        return reply.json()["access_token"].get<std::string>();
    }

    json create(HttpClient& c, const std::string& sku, std::int64_t price = 1999, std::int64_t stock = 5,
                const std::string& category = "Kitchen") {
        const auto reply = post(c, "/v1/products",
                                {{"sku", sku}, {"name", "Product " + sku}, {"price", price}, {"currency", "EUR"},
                                 {"stock", stock}, {"category", category}, {"tags", {"steel"}}},
                                admin);
        REQUIRE(reply.status == 201);
        return reply.json();
    }

    std::unique_ptr<mercato::test::TestDatabase> db;
    std::unique_ptr<mercato::test::RunningApp> app;
    mercato::test::Headers admin;
    mercato::test::Headers customer;
};

std::vector<std::string> error_fields(const HttpReply& reply) {
    std::vector<std::string> out;
    const json body = reply.json();  // held: a loop over a temporary's member would dangle
    for (const auto& e : body["errors"]) out.push_back(e["field"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("an admin creates, updates and deletes a product; anyone reads it") {
    CatalogServer s;
    auto c = s.client();
    const json created = s.create(c, "KIT-1", 1999, 5, "Home Decor");
    CHECK(created["category"] == "home-decor");
    CHECK(created["tags"] == json::array({"steel"}));
    CHECK(created["rating_avg"] == 0);
    CHECK(created["rating_count"] == 0);
    for (const char* field : {"id", "sku", "name", "description", "price", "currency", "stock", "created_at", "updated_at"}) {
        CHECK(created.contains(field));
    }
    const std::string path = "/v1/products/" + created["id"].get<std::string>();
    auto got = c.get(path);
    CHECK(got.status == 200);
    CHECK(got.json() == created);

    const auto updated = CatalogServer::send(c, "PUT", path, {{"price", 2499}, {"category", nullptr}}, s.admin);
    REQUIRE(updated.status == 200);
    CHECK(updated.json()["price"] == 2499);
    CHECK(updated.json()["category"].is_null());
    CHECK(updated.json()["name"] == "Product KIT-1");
    CHECK(c.get(path).json()["price"] == 2499);

    CHECK(c.send("DELETE", path, {}, s.admin).status == 204);
    check_problem(c.get(path), 404);
    check_problem(c.send("DELETE", path, {}, s.admin), 404);
    check_problem(c.get("/v1/products/prd_unknown"), 404);
}

TEST_CASE("catalog writes need an admin: 401 without a token, 403 for a customer, and nothing changes") {
    CatalogServer s;
    auto c = s.client();
    const json p = s.create(c, "KIT-1");
    const std::string path = "/v1/products/" + p["id"].get<std::string>();
    const json body{{"sku", "KIT-2"}, {"name", "N"}, {"price", 1}, {"currency", "EUR"}, {"stock", 1}};
    check_problem(CatalogServer::post(c, "/v1/products", body), 401);
    check_problem(CatalogServer::post(c, "/v1/products", body, s.customer), 403);
    check_problem(CatalogServer::send(c, "PUT", path, {{"price", 1}}, s.customer), 403);
    check_problem(c.send("DELETE", path, {}, s.customer), 403);
    check_problem(CatalogServer::post(c, "/v1/categories", {{"name", "Toys"}}, s.customer), 403);
    check_problem(CatalogServer::post(c, path + "/stock-adjustments", {{"delta", 1}, {"reason", "x"}}, s.customer), 403);
    check_problem(c.get(path + "/stock-adjustments", s.customer), 403);
    CHECK(c.get(path).json()["price"] == 1999);
    CHECK(c.get("/v1/products").json()["items"].size() == 1);
}

TEST_CASE("a duplicate sku is 409, invalid fields are 422 each named, unknown fields are ignored") {
    CatalogServer s;
    auto c = s.client();
    s.create(c, "KIT-1");
    check_problem(CatalogServer::post(c, "/v1/products",
                                      {{"sku", "KIT-1"}, {"name", "Again"}, {"price", 1}, {"currency", "EUR"}, {"stock", 1}},
                                      s.admin),
                  409);
    const auto invalid = CatalogServer::post(
        c, "/v1/products", {{"sku", "KIT-2"}, {"price", 12.5}, {"currency", "EURO"}, {"stock", -1}, {"tags", "one"}}, s.admin);
    check_problem(invalid, 422);
    CHECK(error_fields(invalid) == std::vector<std::string>{"name", "price", "tags"});
    const auto rules = CatalogServer::post(
        c, "/v1/products", {{"sku", "KIT-2"}, {"name", "N"}, {"price", -5}, {"currency", "EURO"}, {"stock", -1}}, s.admin);
    check_problem(rules, 422);
    CHECK(error_fields(rules) == std::vector<std::string>{"price", "currency", "stock"});
    check_problem(c.send("POST", "/v1/products", "{not json", {{"Content-Type", "application/json"}, s.admin[0]}), 400);

    const auto sneaky = CatalogServer::post(c, "/v1/products",
                                            {{"sku", "KIT-3"}, {"name", "N"}, {"price", 100}, {"currency", "EUR"},
                                             {"stock", 1}, {"id", "prd_mine"}, {"rating_avg", 5}, {"rating_count", 900}},
                                            s.admin);
    REQUIRE(sneaky.status == 201);
    CHECK(sneaky.json()["id"] != "prd_mine");
    CHECK(sneaky.json()["rating_count"] == 0);
    CHECK(c.get("/v1/products").json()["items"].size() == 2);
}

TEST_CASE("a product's weight_grams is optional, validated, stored and cleared") {
    CatalogServer s;
    auto c = s.client();
    const json plain = s.create(c, "KIT-1");
    CHECK(plain.contains("weight_grams"));
    CHECK(plain["weight_grams"].is_null());

    const json body{{"sku", "KIT-2"}, {"name", "Cast Iron Pan"}, {"price", 4999}, {"currency", "EUR"}, {"stock", 3},
                    {"weight_grams", 1200}};
    const auto created = CatalogServer::post(c, "/v1/products", body, s.admin);
    REQUIRE(created.status == 201);
    CHECK(created.json()["weight_grams"] == 1200);
    const std::string path = "/v1/products/" + created.json()["id"].get<std::string>();
    CHECK(c.get(path).json()["weight_grams"] == 1200);

    const auto heavier = CatalogServer::send(c, "PUT", path, {{"weight_grams", 800}}, s.admin);
    REQUIRE(heavier.status == 200);
    CHECK(heavier.json()["weight_grams"] == 800);
    CHECK(c.get(path).json()["weight_grams"] == 800);
    const auto untouched = CatalogServer::send(c, "PUT", path, {{"name", "Cast Iron Pan, 28 cm"}}, s.admin);
    REQUIRE(untouched.status == 200);
    CHECK(untouched.json()["weight_grams"] == 800);

    for (const json& bad : {json(0), json(1'000'001), json("heavy"), json(12.5)}) {
        INFO("weight_grams: ", bad.dump());
        const auto refused = CatalogServer::send(c, "PUT", path, {{"weight_grams", bad}}, s.admin);
        check_problem(refused, 422);
        CHECK(error_fields(refused) == std::vector<std::string>{"weight_grams"});
        auto other = body;
        other["sku"] = "KIT-3";
        other["weight_grams"] = bad;
        const auto not_made = CatalogServer::post(c, "/v1/products", other, s.admin);
        check_problem(not_made, 422);
        CHECK(error_fields(not_made) == std::vector<std::string>{"weight_grams"});
    }
    CHECK(c.get(path).json()["weight_grams"] == 800);
    CHECK(c.get("/v1/products").json()["items"].size() == 2);

    const auto cleared = CatalogServer::send(c, "PUT", path, {{"weight_grams", nullptr}}, s.admin);
    REQUIRE(cleared.status == 200);
    CHECK(cleared.json()["weight_grams"].is_null());
    CHECK(c.get(path).json()["weight_grams"].is_null());
    const auto bounds = CatalogServer::send(c, "PUT", path, {{"weight_grams", 1'000'000}}, s.admin);
    REQUIRE(bounds.status == 200);
    CHECK(bounds.json()["weight_grams"] == 1'000'000);
}

TEST_CASE("the listing filters, sorts and pages with next_cursor; bad parameters are 422") {
    CatalogServer s;
    auto c = s.client();
    s.create(c, "A", 500, 0, "Kitchen");
    s.create(c, "B", 1500, 3, "Kitchen");
    s.create(c, "C", 2500, 7, "Garden");
    auto skus = [&](const std::string& target) {
        std::vector<std::string> out;
        const auto reply = c.get(target);
        REQUIRE(reply.status == 200);
        const json body = reply.json();  // held: a loop over a temporary's member would dangle
        for (const auto& p : body["items"]) out.push_back(p["sku"].get<std::string>());
        return out;
    };
    CHECK(skus("/v1/products") == std::vector<std::string>{"C", "B", "A"});
    CHECK(skus("/v1/products?category=kitchen&sort=price") == std::vector<std::string>{"A", "B"});
    CHECK(skus("/v1/products?tag=steel&in_stock=true&sort=-price") == std::vector<std::string>{"C", "B"});
    CHECK(skus("/v1/products?min_price=1000&max_price=2000") == std::vector<std::string>{"B"});
    CHECK(skus("/v1/products?sort=name") == std::vector<std::string>{"A", "B", "C"});

    const auto first = c.get("/v1/products?sort=price&limit=2").json();
    CHECK(first["items"].size() == 2);
    REQUIRE(first["next_cursor"].is_string());
    const auto second = c.get("/v1/products?sort=price&limit=2&cursor=" + first["next_cursor"].get<std::string>()).json();
    CHECK(second["items"].size() == 1);
    CHECK(second["items"][0]["sku"] == "C");
    CHECK(second["next_cursor"].is_null());

    const auto bad = c.get("/v1/products?limit=0&sort=cheapest&min_price=-1&in_stock=yes");
    check_problem(bad, 422);
    CHECK(error_fields(bad) == std::vector<std::string>{"min_price", "in_stock", "sort"});
    check_problem(c.get("/v1/products?limit=101"), 422);
    check_problem(c.get("/v1/products?cursor=zz"), 422);
}

TEST_CASE("products and listings answer an ETag; If-None-Match gives 304; a change gives a new ETag at once") {
    CatalogServer s;
    auto c = s.client();
    const json p = s.create(c, "KIT-1");
    const std::string path = "/v1/products/" + p["id"].get<std::string>();
    for (const std::string& target : {path, std::string("/v1/products?limit=20")}) {
        const auto first = c.get(target);
        REQUIRE(first.status == 200);
        const std::string etag = first.header("etag");
        CHECK(etag.size() > 2);
        CHECK(first.header("cache-control").find("no-cache") != std::string::npos);
        const auto again = c.get(target, {{"If-None-Match", etag}});
        CHECK(again.status == 304);
        CHECK(again.body.empty());
        CHECK(again.header("etag") == etag);
        CHECK(c.get(target, {{"If-None-Match", "\"other\", W/" + etag}}).status == 304);
        CHECK(c.get(target, {{"If-None-Match", "\"other\""}}).status == 200);
    }
    const std::string before = c.get(path).header("etag");
    REQUIRE(CatalogServer::send(c, "PUT", path, {{"name", "Renamed"}}, s.admin).status == 200);
    const auto after = c.get(path, {{"If-None-Match", before}});
    CHECK(after.status == 200);
    CHECK(after.json()["name"] == "Renamed");
    CHECK(after.header("etag") != before);
    CHECK(c.get("/v1/products").json()["items"][0]["name"] == "Renamed");
}

TEST_CASE("categories list slug, name and product count; an admin may add one, a taken slug is 409") {
    CatalogServer s;
    auto c = s.client();
    s.create(c, "A", 500, 1, "Kitchen");
    s.create(c, "B", 500, 1, "Kitchen");
    REQUIRE(c.get("/v1/categories").json()["items"].size() == 1);  // read once before the new one is added
    const auto made = CatalogServer::post(c, "/v1/categories", {{"name", "Pet Supplies"}}, s.admin);
    REQUIRE(made.status == 201);
    CHECK(made.json()["slug"] == "pet-supplies");
    check_problem(CatalogServer::post(c, "/v1/categories", {{"name", "Kitchen things"}, {"slug", "kitchen"}}, s.admin), 409);
    check_problem(CatalogServer::post(c, "/v1/categories", {{"name", "X"}, {"slug", "Not A Slug"}}, s.admin), 422);
    const auto list = c.get("/v1/categories").json()["items"];
    REQUIRE(list.size() == 2);
    CHECK(list[0] == json{{"slug", "kitchen"}, {"name", "Kitchen"}, {"product_count", 2}});
    CHECK(list[1] == json{{"slug", "pet-supplies"}, {"name", "Pet Supplies"}, {"product_count", 0}});
}

TEST_CASE("a signed-in user reviews a product once; anyone reads the reviews; the product's rating follows") {
    CatalogServer s;
    auto c = s.client();
    const json p = s.create(c, "KIT-1");
    const std::string path = "/v1/products/" + p["id"].get<std::string>();
    const auto review = CatalogServer::post(c, path + "/reviews", {{"rating", 4}, {"comment", "Sturdy."}}, s.customer);
    REQUIRE(review.status == 201);
    for (const char* field : {"id", "product_id", "user_id", "rating", "comment", "created_at"}) CHECK(review.json().contains(field));
    CHECK(review.json()["product_id"] == p["id"]);
    check_problem(CatalogServer::post(c, path + "/reviews", {{"rating", 5}}, s.customer), 409);
    check_problem(CatalogServer::post(c, path + "/reviews", {{"rating", 5}}), 401);
    check_problem(CatalogServer::post(c, path + "/reviews", {{"rating", 9}}, s.admin), 422);
    check_problem(CatalogServer::post(c, "/v1/products/prd_unknown/reviews", {{"rating", 3}}, s.admin), 404);
    const auto list = c.get(path + "/reviews");
    REQUIRE(list.status == 200);
    CHECK(list.json()["items"].size() == 1);
    CHECK(list.json()["next_cursor"].is_null());
    const auto product = c.get(path).json();
    CHECK(product["rating_count"] == 1);
    CHECK(product["rating_avg"] == 4.0);
    check_problem(c.get("/v1/products/prd_unknown/reviews"), 404);
}

TEST_CASE("an admin adjusts stock with a reason and reads the audit; stock below zero is 409") {
    CatalogServer s;
    auto c = s.client();
    const json p = s.create(c, "KIT-1", 1000, 2);
    const std::string path = "/v1/products/" + p["id"].get<std::string>();
    const auto added = CatalogServer::post(c, path + "/stock-adjustments", {{"delta", 10}, {"reason", "delivery"}}, s.admin);
    REQUIRE(added.status == 201);
    CHECK(added.json()["stock_after"] == 12);
    check_problem(CatalogServer::post(c, path + "/stock-adjustments", {{"delta", -13}, {"reason", "theft"}}, s.admin), 409);
    check_problem(CatalogServer::post(c, path + "/stock-adjustments", {{"delta", 0}}, s.admin), 422);
    CHECK(c.get(path).json()["stock"] == 12);
    const auto audit = c.get(path + "/stock-adjustments", s.admin).json()["items"];
    REQUIRE(audit.size() == 2);
    CHECK(audit[0]["reason"] == "delivery");
    CHECK(audit[0]["delta"] == 10);
    CHECK(audit[0]["actor"].is_string());
}

TEST_CASE("a change made through another server copy reaches this copy's cached answers through the catalog log") {
    CatalogServer s;
    auto c = s.client();
    const json p = s.create(c, "KIT-1");
    const std::string path = "/v1/products/" + p["id"].get<std::string>();
    REQUIRE(c.get(path).status == 200);  // cached here now
    REQUIRE(c.get("/v1/products").status == 200);

    auto other_setup = shop_setup(s.db->url());
    mercato::test::TempDir other_index;  // each copy keeps a search index of its own
    other_setup.config.edit_section("search").set("index_dir", other_index.str());
    mercato::test::RunningApp other(other_setup);
    HttpClient o(other.port());
    REQUIRE(CatalogServer::send(o, "PUT", path, {{"name", "Renamed elsewhere"}}, s.admin).status == 200);
    // The listing matters most: this copy cached it, and only the catalog log can tell it of the change.
    auto fresh = [&] {
        return c.get(path).json()["name"] == "Renamed elsewhere" &&
               c.get("/v1/products").json()["items"][0]["name"] == "Renamed elsewhere";
    };
    CHECK(mercato::test::eventually(fresh));
    // This copy's search index learns of it from the same log.
    CHECK(mercato::test::eventually([&] { return c.get("/v1/search?q=elsewhere").json()["total"] == 1; }));
}
