// Every event a shop's journey leaves in the modules' logs against the contracts in their api/events.hpp
// (app/event_contracts.hpp): each topic has one, from the module whose log holds it, and each payload
// fits it; every contract is met at least once; and every topic a consumer group follows has one.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "app/app.hpp"
#include "app/event_contracts.hpp"
#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/webhook_signature.hpp"
#include "support/eventually.hpp"
#include "support/shop_server.hpp"
#include "support/test_database.hpp"

namespace {

using namespace mercato::test;
using nlohmann::json;

struct LoggedEvent {
    std::string log;  // the module whose outbox holds it
    std::string topic;
    std::string payload;
};

std::vector<LoggedEvent> every_logged_event(mercato::kernel::Database& db) {
    std::vector<LoggedEvent> events;
    for (const auto& module : db.modules()) {
        db.module(module).read([&](soci::session& s) {
            const soci::rowset<soci::row> rows = (s.prepare << "SELECT topic, payload FROM " + module + ".outbox");
            for (const auto& row : rows) events.push_back({module, row.get<std::string>(0), row.get<std::string>(1)});
        });
    }
    return events;
}

std::set<std::string> topics_of(const std::vector<LoggedEvent>& events) {
    std::set<std::string> topics;
    for (const auto& e : events) topics.insert(e.topic);
    return topics;
}

std::set<std::string> contract_topics() {
    std::set<std::string> topics;
    for (const auto& c : mercato::app::all_event_contracts()) topics.emplace(c.topic);
    return topics;
}

json card(const char* number) { return {{"number", number}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}}; }

struct ContractShop : ShopServer {
    ContractShop() : ShopServer(fresh_sqlite()), c(client()) {}

    json call(const std::string& method, const std::string& path, const json& body, const Headers& who, int status) {
        const auto reply = send(c, method, path, body, who);
        REQUIRE_MESSAGE(reply.status == status, method << " " << path << ": " << reply.body);
        return reply.body.empty() ? json() : reply.json();
    }
    std::string order_status(const std::string& id) { return c.get("/v1/orders/" + id, admin).json()["status"]; }
    std::string placed_order(const Headers& who, const std::string& product_id) {
        return call("POST", "/v1/orders", cart(product_id, 1), who, 201)["id"];
    }
    // Returns the payment's id.
    std::string pay(const Headers& who, const std::string& order_id) {
        return call("POST", "/v1/payment/checkout", {{"order_id", order_id}, {"method", "card"}, {"card", card("4242424242424242")}}, who,
                    201)["id"];
    }
    // The sandbox provider's callback, signed as the provider signs it.
    void provider_webhook(const std::string& id, const std::string& type, const json& data) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        const std::string body = json{{"id", id}, {"type", type}, {"created", now}, {"data", data}}.dump();
        const auto reply = c.send("POST", "/v1/payment/webhooks/sandbox", body,
                                  {{"Content-Type", "application/json"},
                                   {"Mercato-Signature", mercato::kernel::sign_webhook(body, shop_webhook_secret, now)}});
        REQUIRE(reply.status == 200);
    }

    HttpClient c;
};

// Products made, changed, restocked and removed; a category made; a password reset; an order declined,
// paid, shipped, delivered and partly returned; another cancelled, another disputed; a page view counted.
void walk(ContractShop& shop) {
    const auto& admin = shop.admin;
    const std::string boot = shop.call("POST", "/v1/products",
                                       {{"sku", "BOOT-1"}, {"name", "Hiking Boot"}, {"price", 12900}, {"currency", "EUR"},
                                        {"stock", 20}, {"category", "Footwear"}, {"tags", {"hiking"}}, {"weight_grams", 1400}},
                                       admin, 201)["id"];
    const auto cap = shop.product(shop.c, "CAP-1", 5, 1500);
    shop.call("PUT", "/v1/products/" + cap, {{"name", "Wool Cap"}}, admin, 200);
    shop.call("POST", "/v1/products/" + cap + "/stock-adjustments", {{"delta", 3}, {"reason", "found in the back"}}, admin, 201);
    shop.call("DELETE", "/v1/products/" + cap, json::object(), admin, 204);
    shop.call("POST", "/v1/categories", {{"name", "Gift Cards"}}, admin, 201);
    shop.call("POST", "/v1/users/password/reset-request", {{"email", "bob@example.com"}}, {}, 202);
    shop.call("POST", "/v1/analytics/event", {{"type", "product_view"}, {"session_id", "visit-1"}, {"product_id", boot}}, shop.ann, 202);

    const auto order = shop.placed_order(shop.ann, boot);
    check_problem(ShopServer::send(shop.c, "POST", "/v1/payment/checkout",
                                   {{"order_id", order}, {"method", "card"}, {"card", card("4000000000000002")}}, shop.ann),
                  402);
    shop.pay(shop.ann, order);
    std::string tracking;
    REQUIRE(eventually([&] {
        const auto reply = ShopServer::send(shop.c, "POST", "/v1/shipping/track", {{"order_id", order}}, shop.ann);
        if (reply.status == 200) tracking = reply.json()["tracking_number"];
        return reply.status == 200;
    }));
    shop.call("POST", "/v1/shipping/updates", {{"tracking_number", tracking}, {"status", "in_transit"}, {"location", "Leipzig hub"}},
              admin, 200);
    shop.call("POST", "/v1/shipping/updates", {{"tracking_number", tracking}, {"status", "delivered"}}, admin, 200);
    REQUIRE(eventually([&] { return shop.order_status(order) == "delivered"; }));
    const std::string ret = shop.call("POST", "/v1/orders/" + order + "/returns",
                                      {{"items", {{{"product_id", boot}, {"quantity", 1}}}}, {"reason", "too small"}}, shop.ann, 201)["id"];
    shop.call("PUT", "/v1/orders/" + order + "/returns/" + ret, {{"status", "approved"}}, admin, 200);

    shop.call("POST", "/v1/orders/" + shop.placed_order(shop.bob, boot) + "/cancel", json::object(), shop.bob, 200);
    const auto payment = shop.pay(shop.bob, shop.placed_order(shop.bob, boot));
    shop.provider_webhook("evt_contract_dispute", "dispute.created",
                          {{"dispute_id", "dp_contract"}, {"payment_id", payment}, {"status", "needs_response"}, {"reason", "fraudulent"}});
}

}  // namespace

TEST_CASE("every event a shop's journey publishes has a contract, comes from its publisher's log and fits it") {
    ContractShop shop;
    walk(shop);
    auto& db = shop.app->app().database();
    // Shipments, refunds, stock and messages follow by themselves: wait until every topic has shown up.
    const auto expected = contract_topics();
    std::vector<LoggedEvent> events;
    const bool all_seen = eventually([&] {
        events = every_logged_event(db);
        const auto seen = topics_of(events);
        return std::includes(seen.begin(), seen.end(), expected.begin(), expected.end());
    });
    const auto seen = topics_of(events);
    for (const auto& topic : expected) CHECK_MESSAGE(seen.contains(topic), topic << " has a contract but the journey never saw it");
    CHECK(all_seen);

    std::map<std::string, int> checked;
    for (const auto& e : events) {
        CAPTURE(e.topic);
        CAPTURE(e.payload);
        const auto* contract = mercato::app::event_contract(e.topic);
        REQUIRE_MESSAGE(contract != nullptr, e.topic << " in the " << e.log << " log has no contract");
        CHECK(contract->publisher == e.log);
        std::string wrong;
        for (const auto& v : mercato::kernel::bus::contract_violations(*contract, json::parse(e.payload))) wrong += v + "\n";
        CHECK_MESSAGE(wrong.empty(), wrong);
        ++checked[e.topic];
    }
    CHECK(checked.size() == expected.size());
}

TEST_CASE("every topic a consumer group follows is published under a contract") {
    const auto db = fresh_sqlite();
    mercato::app::App app(test_config(db->url()));
    const auto subscribed = app.bus().subscribed_topics();
    REQUIRE_FALSE(subscribed.empty());
    for (const auto& topic : subscribed) {
        CHECK_MESSAGE(mercato::app::event_contract(topic) != nullptr, topic << " is followed but no module publishes it under a contract");
    }
}
