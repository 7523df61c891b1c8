// The Orders rows of API.md over HTTP on the real server, run on SQLite (tests/http) and PostgreSQL
// (tests/pg): who may do what, the answers and errors, and Idempotency-Key. The tier that links it
// defines suite_database() for its backend.

#include <doctest/doctest.h>

#include <future>
#include <set>

#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "kernel/migration_source.hpp"
#include "modules/orders/api/orders.hpp"
#include "modules/users/api/users.hpp"
#include "support/http_client.hpp"
#include "support/running_app.hpp"
#include "support/shop_server.hpp"
#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using nlohmann::json;
using mercato::test::Headers;
using mercato::test::HttpClient;
using mercato::test::HttpReply;
using mercato::test::check_problem;
using mercato::test::with;

// The shop on the tier's database.
struct OrdersServer : mercato::test::ShopServer {
    OrdersServer() : ShopServer(suite_database()) {}
};

}  // namespace

TEST_CASE("a customer places an order: 201 pending, priced by the catalog, its stock reserved") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 5, 1250);
    check_problem(OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 1)), 401);
    auto body = OrdersServer::cart(p, 2);
    body["items"][0]["unit_price"] = 1;  // a client never sets a price
    body["total"] = 1;
    const auto reply = OrdersServer::send(c, "POST", "/v1/orders", body, s.ann);
    REQUIRE(reply.status == 201);
    const json o = reply.json();
    CHECK(o["status"] == "pending");
    CHECK(o["items"][0]["unit_price"] == 1250);
    CHECK(o["items"][0]["sku"] == "A");
    CHECK(o["subtotal"] == 2500);
    CHECK(o["shipping_cost"] == 0);
    CHECK(o["total"] == 2500);
    CHECK(o["currency"] == "EUR");
    CHECK(o["shipping_address"]["country"] == "DE");
    CHECK(o["history"].size() == 1);
    for (const char* field : {"id", "user_id", "created_at", "updated_at"}) CHECK(o.contains(field));
    CHECK(s.stock(c, p) == 3);
}

TEST_CASE("not enough stock is 409 naming the line, invalid orders are 422, and neither reserves anything") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 1);
    const auto short_reply = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 2), s.ann);
    check_problem(short_reply, 409);
    CHECK(short_reply.json()["errors"][0]["field"] == "items[0].quantity");
    auto bad = OrdersServer::cart(p, 0);
    bad["shipping_address"]["country"] = "Germany";
    const auto invalid = OrdersServer::send(c, "POST", "/v1/orders", bad, s.ann);
    check_problem(invalid, 422);
    CHECK(invalid.json()["errors"].size() == 2);
    check_problem(OrdersServer::send(c, "POST", "/v1/orders", {{"items", "all of them"}}, s.ann), 422);
    check_problem(OrdersServer::send(c, "POST", "/v1/orders", json::array(), s.ann), 422);
    CHECK(s.stock(c, p) == 1);
    CHECK(c.get("/v1/orders", s.ann).json()["items"].empty());
}

TEST_CASE("an Idempotency-Key replays the first 201 byte for byte; another body is 422; a key over 255 characters is 400") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 5);
    const auto keyed = with(s.ann, "Idempotency-Key", "order-1");
    const auto first = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 1), keyed);
    REQUIRE(first.status == 201);
    // The same request written differently (keys reordered, spaced) is the same request.
    const std::string respaced = R"({ "shipping_address": {"country":"DE","postal_code":"10115","city":"Berlin","line1":"1 Main St",)"
                                 R"("name":"Ann Smith"}, "items": [ {"quantity": 1, "product_id": ")" + p + R"("} ] })";
    auto replay_headers = keyed;
    replay_headers.emplace_back("Content-Type", "application/json");
    const auto replay = c.send("POST", "/v1/orders", respaced, replay_headers);
    CHECK(replay.status == 201);
    CHECK(replay.body == first.body);
    CHECK(replay.header("idempotent-replayed") == "true");
    check_problem(OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 2), keyed), 422);
    check_problem(OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 1),
                                     with(s.ann, "Idempotency-Key", std::string(256, 'k'))),
                  400);
    CHECK(s.stock(c, p) == 4);
    CHECK(c.get("/v1/orders", s.ann).json()["items"].size() == 1);
}

TEST_CASE("20 parallel requests with one Idempotency-Key create one order") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 100);
    const auto keyed = with(s.ann, "Idempotency-Key", "burst");
    std::vector<std::future<HttpReply>> calls;
    for (int i = 0; i < 20; ++i) {
        calls.push_back(std::async(std::launch::async, [&] {
            HttpClient own = s.client();
            return OrdersServer::send(own, "POST", "/v1/orders", OrdersServer::cart(p, 1), keyed);
        }));
    }
    std::set<std::string> bodies;
    for (auto& call : calls) {
        const auto reply = call.get();
        CHECK((reply.status == 201 || reply.status == 409));
        if (reply.status == 201) bodies.insert(reply.body);
    }
    CHECK(bodies.size() == 1);
    CHECK(s.stock(c, p) == 99);
    CHECK(c.get("/v1/orders", s.ann).json()["items"].size() == 1);
}

TEST_CASE("orders are seen by their owner and admins only; the list is the caller's, newest first; admins filter") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 10);
    const auto ann_order = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 1), s.ann).json();
    const auto bob_order = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 1), s.bob).json();
    const std::string path = "/v1/orders/" + ann_order["id"].get<std::string>();
    CHECK(c.get(path, s.ann).status == 200);
    CHECK(c.get(path, s.admin).status == 200);
    check_problem(c.get(path, s.bob), 404);
    check_problem(c.get(path), 401);
    check_problem(c.get("/v1/orders/ord_missing", s.admin), 404);
    const auto mine = c.get("/v1/orders", s.ann).json();
    REQUIRE(mine["items"].size() == 1);
    CHECK(mine["items"][0]["id"] == ann_order["id"]);
    CHECK(mine["next_cursor"].is_null());
    CHECK(c.get("/v1/orders", s.admin).json()["items"].size() == 2);
    const auto filtered = c.get("/v1/orders?user_id=" + bob_order["user_id"].get<std::string>(), s.admin).json();
    REQUIRE(filtered["items"].size() == 1);
    CHECK(filtered["items"][0]["id"] == bob_order["id"]);
    CHECK(c.get("/v1/orders?status=pending&limit=1", s.admin).json()["next_cursor"].is_string());
    check_problem(c.get("/v1/orders?status=lost", s.admin), 422);
}

TEST_CASE("an admin moves an order along its lifecycle; forbidden moves are 409; customers are 403") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 10);
    const auto o = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 1), s.ann).json();
    const std::string path = "/v1/orders/" + o["id"].get<std::string>() + "/status";
    check_problem(OrdersServer::send(c, "PUT", path, {{"status", "processing"}}, s.ann), 403);
    check_problem(OrdersServer::send(c, "PUT", path, {{"status", "delivered"}}, s.admin), 409);
    check_problem(OrdersServer::send(c, "PUT", path, {{"status", "flying"}}, s.admin), 422);
    const auto moved = OrdersServer::send(c, "PUT", path, {{"status", "processing"}}, s.admin);
    REQUIRE(moved.status == 200);
    CHECK(moved.json()["status"] == "processing");
    CHECK(moved.json()["history"].size() == 2);
    check_problem(OrdersServer::send(c, "PUT", path, {{"status", "cancelled"}}, s.admin), 409);
}

TEST_CASE("the owner cancels a pending order and the stock comes back; a paid one cannot be cancelled") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 5);
    const auto o = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 2), s.ann).json();
    const std::string cancel = "/v1/orders/" + o["id"].get<std::string>() + "/cancel";
    check_problem(c.send("POST", cancel, {}, s.bob), 404);
    const auto done = c.send("POST", cancel, {}, s.ann);
    REQUIRE(done.status == 200);
    CHECK(done.json()["status"] == "cancelled");
    CHECK(s.stock(c, p) == 5);
    check_problem(c.send("POST", cancel, {}, s.ann), 409);
    const auto paid = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 1), s.ann).json();
    REQUIRE(OrdersServer::send(c, "PUT", "/v1/orders/" + paid["id"].get<std::string>() + "/status", {{"status", "processing"}},
                               s.admin).status == 200);
    check_problem(c.send("POST", "/v1/orders/" + paid["id"].get<std::string>() + "/cancel", {}, s.ann), 409);
}

TEST_CASE("a delivered order's owner requests a return (201); an admin approves it (200) and the order is returned") {
    OrdersServer s;
    auto c = s.client();
    const auto p = s.product(c, "A", 5, 700);
    const auto o = OrdersServer::send(c, "POST", "/v1/orders", OrdersServer::cart(p, 2), s.ann).json();
    const std::string id = o["id"].get<std::string>();
    const json ask{{"items", {{{"product_id", p}, {"quantity", 1}}}}, {"reason", "too small"}};
    check_problem(OrdersServer::send(c, "POST", "/v1/orders/" + id + "/returns", ask, s.ann), 409);
    for (const char* status : {"processing", "shipped", "delivered"}) {
        REQUIRE(OrdersServer::send(c, "PUT", "/v1/orders/" + id + "/status", {{"status", status}}, s.admin).status == 200);
    }
    check_problem(OrdersServer::send(c, "POST", "/v1/orders/" + id + "/returns", ask, s.bob), 404);
    check_problem(OrdersServer::send(c, "POST", "/v1/orders/" + id + "/returns", {{"items", json::array()}}, s.ann), 422);
    const auto asked = OrdersServer::send(c, "POST", "/v1/orders/" + id + "/returns", ask, s.ann);
    REQUIRE(asked.status == 201);
    const json r = asked.json();
    CHECK(r["status"] == "requested");
    CHECK(r["order_id"] == id);
    CHECK(r["reason"] == "too small");
    CHECK(r["items"][0]["quantity"] == 1);
    const std::string decide = "/v1/orders/" + id + "/returns/" + r["id"].get<std::string>();
    check_problem(OrdersServer::send(c, "PUT", decide, {{"status", "approved"}}, s.ann), 403);
    check_problem(OrdersServer::send(c, "PUT", decide, {{"status", "maybe"}}, s.admin), 422);
    const auto approved = OrdersServer::send(c, "PUT", decide, {{"status", "approved"}}, s.admin);
    REQUIRE(approved.status == 200);
    CHECK(approved.json()["status"] == "approved");
    CHECK(c.get("/v1/orders/" + id, s.ann).json()["status"] == "returned");
    check_problem(OrdersServer::send(c, "PUT", decide, {{"status", "rejected"}}, s.admin), 409);
    check_problem(OrdersServer::send(c, "PUT", "/v1/orders/" + id + "/returns/ret_missing", {{"status", "approved"}}, s.admin),
                  404);
}
