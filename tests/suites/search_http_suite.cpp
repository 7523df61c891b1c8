// The Search rows of API.md over HTTP on the real server, run on SQLite (tests/http) and PostgreSQL
// (tests/pg): the answer's shape, products showing up without a reindex, checked parameters, hostile
// query text, and the admin's reindex. The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/shop_server.hpp"

#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using nlohmann::json;
using mercato::test::check_problem;
using mercato::test::eventually;
using mercato::test::ShopServer;

// A change is promised searchable within about a second; tests allow 5 s so that a loaded machine keeps
// them, which still fails an index that only a reindex or a restart brings up to date.
constexpr std::chrono::seconds live_change{5};

std::string url_encoded(const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::string create(ShopServer& s, mercato::test::HttpClient& c, const std::string& sku, const std::string& name,
                   const std::string& category, const std::vector<std::string>& tags, std::int64_t price) {
    const auto reply = ShopServer::send(c, "POST", "/v1/products",
                                        {{"sku", sku}, {"name", name}, {"description", "Made to last."}, {"price", price},
                                         {"currency", "EUR"}, {"stock", 4}, {"category", category}, {"tags", tags}},
                                        s.admin);
    REQUIRE(reply.status == 201);
    return reply.json()["id"].get<std::string>();
}

// The number the server's /metrics gives for the search index's products.
double indexed_products(mercato::test::HttpClient& c) {
    const auto text = c.get("/metrics").body;
    const std::string name = "mercato_search_documents ";
    const auto at = text.find("\n" + name);
    REQUIRE(at != std::string::npos);
    return std::stod(text.substr(at + 1 + name.size()));
}

}  // namespace

TEST_CASE("GET /v1/search finds a product created over HTTP while the server runs and answers items, total and facets") {
    ShopServer s(suite_database());
    auto c = s.client();
    const auto lamp = create(s, c, "LAMP-1", "Brass Desk Lamp", "Lighting", {"desk", "brass"}, 4900);
    create(s, c, "DESK-1", "Oak Desk", "Furniture", {"wood"}, 25900);
    REQUIRE(eventually([&] { return c.get("/v1/search?q=lamps").json()["total"] == 1 && c.get("/v1/search?q=oak").json()["total"] == 1; },
                       live_change));

    const auto reply = c.get("/v1/search?q=Desk");
    REQUIRE(reply.status == 200);
    CHECK(reply.header("content-type") == "application/json");
    const auto body = reply.json();
    CHECK(body["total"] == 2);
    CHECK(body["total_exact"] == true);
    const auto& first = body["items"][0];
    CHECK(first["id"] == lamp);  // "desk" twice (name and tag) against once in the other's name
    CHECK(first["name"] == "Brass Desk Lamp");
    CHECK(first["price"] == 4900);
    CHECK(first["currency"] == "EUR");
    CHECK(first["score"].get<double>() > body["items"][1]["score"].get<double>());
    CHECK(body["facets"]["category"] == json{{"furniture", 1}, {"lighting", 1}});
    CHECK(body["facets"]["tags"] == json{{"brass", 1}, {"desk", 1}, {"wood", 1}});
    std::int64_t in_ranges = 0;
    for (const auto& range : body["facets"]["price"]) {
        CHECK(range["from"].get<std::int64_t>() < range["to"].get<std::int64_t>());
        in_ranges += range["count"].get<std::int64_t>();
    }
    CHECK(in_ranges == 2);
    CHECK_FALSE(body.contains("did_you_mean"));

    CHECK(c.get("/v1/search?q=desk&category=Lighting&sort=-price&limit=1").json()["items"][0]["id"] == lamp);
    CHECK(c.get("/v1/search?q=lamb").json()["did_you_mean"] == "lamp");

    // Answered now (and kept), the same search must not answer from before the delete once it is searchable.
    REQUIRE(c.get("/v1/search?q=lamp").json()["total"] == 1);
    REQUIRE(ShopServer::send(c, "DELETE", "/v1/products/" + lamp, json::object(), s.admin).status == 204);
    CHECK(eventually([&] { return c.get("/v1/search?q=lamp").json()["total"] == 0; }, live_change));
}

TEST_CASE("search parameters are checked as the product listing's are: a 422 naming each bad one, and nothing searched") {
    ShopServer s(suite_database());
    auto c = s.client();
    const auto fields = [&](const std::string& query) {
        const auto reply = c.get("/v1/search?" + query);
        check_problem(reply, 422);
        const auto body = reply.json();
        std::vector<std::string> out;
        for (const auto& e : body["errors"]) out.push_back(e["field"].get<std::string>());
        return out;
    };
    CHECK(fields("sort=name") == std::vector<std::string>{"sort"});
    CHECK(fields("min_price=-1&max_price=x&in_stock=yes") == std::vector<std::string>{"min_price", "max_price", "in_stock"});
    CHECK(fields("category=%21%21") == std::vector<std::string>{"category"});
    CHECK(fields("offset=-1") == std::vector<std::string>{"offset"});
    CHECK(fields("offset=10001") == std::vector<std::string>{"offset"});
    CHECK(fields("limit=0") == std::vector<std::string>{"limit"});
    CHECK(fields("limit=101") == std::vector<std::string>{"limit"});
    CHECK(fields("q=" + std::string(10 * 1024, 'a')) == std::vector<std::string>{"q"});
    CHECK(fields("q=%FF%FE") == std::vector<std::string>{"q"});
    CHECK(c.get("/v1/search?sort=relevance&offset=10000&limit=100").status == 200);
}

TEST_CASE("hostile query text never gets a 5xx: it is searched as words or refused with 422") {
    ShopServer s(suite_database());
    auto c = s.client();
    create(s, c, "LAMP-1", "Brass Desk Lamp", "Lighting", {"desk"}, 4900);
    REQUIRE(eventually([&] { return c.get("/v1/search?q=lamp").json()["total"] == 1; }, live_change));
    const std::vector<std::string> hostile = {
        "\"unbalanced", "lamp AND", "OR NOT", "-", "((((", "*", "NEAR/3 lamp", "title:lamp", std::string(1, '\0'),
        "\x1b[2J", "\r\nX-Injected: 1", "' OR 1=1 --", "<script>alert(1)</script>", std::string(200, '"'),
        std::string(2000, '('), "💡", "%", "\xc3", std::string(64 * 1024, 'q')};
    for (const auto& text : hostile) {
        CAPTURE(text.substr(0, 40));
        // A client of its own: the server closes the connection after a request line too long to read.
        const auto reply = s.client().get("/v1/search?q=" + url_encoded(text));
        CHECK((reply.status == 200 || reply.status == 422 || reply.status == 414 || reply.status == 431));
    }
    CHECK(s.client().get("/v1/search?q=lamp").json()["total"] == 1);  // the server is still answering
}

TEST_CASE("POST /v1/search/index is for admins, takes product ids or nothing, and answers 202") {
    ShopServer s(suite_database());
    auto c = s.client();
    const auto lamp = create(s, c, "LAMP-1", "Brass Desk Lamp", "Lighting", {"desk"}, 4900);
    check_problem(ShopServer::send(c, "POST", "/v1/search/index", json::object()), 401);
    check_problem(ShopServer::send(c, "POST", "/v1/search/index", json::object(), s.ann), 403);

    auto all = c.send("POST", "/v1/search/index", "", s.admin);
    CHECK(all.status == 202);
    CHECK(all.json()["scope"] == "all");
    const auto some = ShopServer::send(c, "POST", "/v1/search/index", {{"product_ids", {lamp}}}, s.admin);
    CHECK(some.status == 202);
    CHECK(some.json()["scope"] == "products");
    CHECK(some.json()["product_ids"] == json{lamp});

    check_problem(ShopServer::send(c, "POST", "/v1/search/index", {{"product_ids", json::array()}}, s.admin), 422);
    check_problem(ShopServer::send(c, "POST", "/v1/search/index", {{"product_ids", "all"}}, s.admin), 422);
    check_problem(ShopServer::send(c, "POST", "/v1/search/index", {{"product_ids", {std::string(65, 'x')}}}, s.admin), 422);
    check_problem(ShopServer::send(c, "POST", "/v1/search/index", {{"everything", true}}, s.admin), 422);
    CHECK(eventually([&] { return indexed_products(c) == 1; }));
    CHECK(c.get("/v1/search?q=lamp").json()["total"] == 1);
}
