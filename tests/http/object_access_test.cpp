// Broken object level authorization: every operation of openapi/openapi.json, called on SQLite by ann (who
// owns an order that was paid and delivered and has a return requested, a pending bank transfer, a review, preferences and a
// notification history), by bob (another customer) and without a token, as its x-mercato-access says it must
// answer: no customer reads, changes or deletes another's resource, and none reaches an admin route.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "kernel/bus/bus.hpp"
#include "kernel/webhook_signature.hpp"
#include "support/eventually.hpp"
#include "support/shop_server.hpp"
#include "support/test_database.hpp"
#include "support/test_paths.hpp"

namespace {

using nlohmann::json;
using mercato::test::Headers;
using mercato::test::HttpClient;
using mercato::test::HttpReply;
using mercato::test::ShopServer;
using mercato::test::eventually;

// One request of an operation; <name> in the target or body stands for World::ids[name].
struct Call {
    const char* target;
    const char* body;
};

// How to call every operation of the document, so that the call names ann's resources where it names any.
// An operation of the document without a row here fails the first test case: new routes must be added.
const std::map<std::string, std::vector<Call>> calls = {
    {"GET /healthz", {{"/healthz", ""}}},
    {"GET /readyz", {{"/readyz", ""}}},
    {"GET /metrics", {{"/metrics", ""}}},
    {"GET /openapi.json", {{"/openapi.json", ""}}},
    {"GET /.well-known/jwks.json", {{"/.well-known/jwks.json", ""}}},
    {"GET /v1/admin/bus", {{"/v1/admin/bus", ""}}},
    {"POST /v1/admin/bus/dead-letters/{id}/replay", {{"/v1/admin/bus/dead-letters/1/replay", "{}"}}},

    {"POST /v1/users/register", {{"/v1/users/register", R"({"email":"carol@example.com","password":"<password>","name":"Carol"})"}}},
    {"POST /v1/users/login", {{"/v1/users/login", R"({"email":"ann@example.com","password":"<password>"})"}}},
    {"POST /v1/users/token/refresh", {{"/v1/users/token/refresh", R"({"refresh_token":"<spare_refresh>"})"}}},
    {"POST /v1/users/logout", {{"/v1/users/logout", R"({"refresh_token":"<refresh>"})"}}},
    {"GET /v1/users/profile", {{"/v1/users/profile", ""}}},
    {"PUT /v1/users/update", {{"/v1/users/update", R"({"email":"ann@example.com"})"}, {"/v1/users/update", R"({"name":"Bob B"})"}}},
    {"POST /v1/users/password", {{"/v1/users/password", R"({"current_password":"<password>","new_password":"<password>"})"}}},
    {"POST /v1/users/password/reset-request", {{"/v1/users/password/reset-request", R"({"email":"ann@example.com"})"}}},
    {"POST /v1/users/password/reset", {{"/v1/users/password/reset", R"({"token":"not-a-reset-token","new_password":"<password>"})"}}},

    {"GET /v1/products", {{"/v1/products", ""}}},
    {"POST /v1/products", {{"/v1/products", R"({"sku":"INTRUDER","name":"I","price":1,"currency":"EUR","stock":1})"}}},
    {"GET /v1/products/{id}", {{"/v1/products/<product>", ""}}},
    {"PUT /v1/products/{id}", {{"/v1/products/<product>", R"({"price":1})"}}},
    {"DELETE /v1/products/{id}", {{"/v1/products/<product>", ""}}},
    {"GET /v1/categories", {{"/v1/categories", ""}}},
    {"POST /v1/categories", {{"/v1/categories", R"({"slug":"intruders","name":"Intruders"})"}}},
    {"GET /v1/products/{id}/reviews", {{"/v1/products/<product>/reviews", ""}}},
    // Bob reviews a product ann has not reviewed, so his own review changes nothing of hers.
    {"POST /v1/products/{id}/reviews", {{"/v1/products/<other>/reviews", R"({"rating":1,"comment":"meh"})"}}},
    {"GET /v1/products/{id}/stock-adjustments", {{"/v1/products/<product>/stock-adjustments", ""}}},
    {"POST /v1/products/{id}/stock-adjustments", {{"/v1/products/<product>/stock-adjustments", R"({"delta":-50,"reason":"theft"})"}}},

    {"GET /v1/orders", {{"/v1/orders", ""}, {"/v1/orders?user_id=<ann>", ""}}},
    {"POST /v1/orders", {{"/v1/orders", R"({"items":[{"product_id":"<other>","quantity":1}],"shipping_address":{"name":"Bob",
        "line1":"2 Side St","city":"Berlin","postal_code":"10115","country":"DE"}})"}}},
    {"GET /v1/orders/{id}", {{"/v1/orders/<order>", ""}, {"/v1/orders/<pending>", ""}}},
    {"PUT /v1/orders/{id}/status", {{"/v1/orders/<pending>/status", R"({"status":"cancelled"})"}}},
    {"POST /v1/orders/{id}/cancel", {{"/v1/orders/<pending>/cancel", "{}"}}},
    {"POST /v1/orders/{id}/returns", {{"/v1/orders/<order>/returns", R"({"items":[{"product_id":"<product>","quantity":1}],"reason":"mine"})"}}},
    {"PUT /v1/orders/{id}/returns/{return_id}", {{"/v1/orders/<order>/returns/<return>", R"({"status":"approved"})"}}},

    {"POST /v1/payment/checkout", {{"/v1/payment/checkout", R"({"order_id":"<pending>","method":"bank_transfer"})"}}},
    {"GET /v1/payment/status", {{"/v1/payment/status?order_id=<order>", ""}, {"/v1/payment/status?payment_id=<payment>", ""},
                                {"/v1/payment/status?payment_id=<transfer>", ""}}},
    {"POST /v1/payment/refund", {{"/v1/payment/refund", R"({"payment_id":"<payment>","amount":100})"}}},
    {"POST /v1/payment/confirm", {{"/v1/payment/confirm", R"({"payment_id":"<transfer>"})"}}},
    {"GET /v1/payment/disputes", {{"/v1/payment/disputes?payment_id=<payment>", ""}}},
    {"POST /v1/payment/webhooks/{provider}",
     {{"/v1/payment/webhooks/sandbox", R"({"id":"evt_access","type":"payment.succeeded","created":<now>,"data":{"reference":"MRC-NONE"}})"}}},

    {"POST /v1/shipping/calculate", {{"/v1/shipping/calculate", R"({"items":[{"product_id":"<product>","quantity":1}],
        "destination":{"country":"DE","postal_code":"10115"}})"}}},
    {"POST /v1/shipping/track", {{"/v1/shipping/track", R"({"order_id":"<order>"})"}, {"/v1/shipping/track", R"({"tracking_number":"<tracking>"})"}}},
    // Signed with a made-up tracking number: a carrier's signature must get past the door, not move ann's parcel.
    {"POST /v1/shipping/updates", {{"/v1/shipping/updates", R"({"tracking_number":"TRK-NONE","status":"in_transit"})"}}},

    {"POST /v1/notifications/send", {{"/v1/notifications/send", R"({"user_id":"<ann>","channel":"email","subject":"Hi","body":"Click here"})"}}},
    {"GET /v1/notifications/history", {{"/v1/notifications/history", ""}, {"/v1/notifications/history?user_id=<ann>", ""}}},
    {"GET /v1/notifications/preferences", {{"/v1/notifications/preferences", ""}}},
    {"PUT /v1/notifications/preferences", {{"/v1/notifications/preferences", R"({"promotional":false})"}}},

    {"POST /v1/analytics/event", {{"/v1/analytics/event", R"({"type":"product_view","product_id":"<product>"})"}}},
    {"GET /v1/analytics/report", {{"/v1/analytics/report?type=sales", ""}}},
    {"GET /v1/search", {{"/v1/search?q=product", ""}}},
    {"POST /v1/search/index", {{"/v1/search/index", "{}"}}},
};

const std::set<std::string> access_classes = {"public", "customer", "owner", "admin", "signed"};

json openapi_document() {
    std::ifstream in(mercato::test::source_dir() / "openapi" / "openapi.json");
    return json::parse(in);
}

// "GET /v1/orders" for every operation of the document, with its x-mercato-access (null when missing).
std::map<std::string, json> operations(const json& doc) {
    std::map<std::string, json> out;
    for (const auto& [path, item] : doc["paths"].items()) {
        for (const auto& [verb, operation] : item.items()) {
            if (verb != "get" && verb != "put" && verb != "post" && verb != "delete" && verb != "patch") continue;
            std::string method = verb;
            for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            out[method + " " + path] = operation.value("x-mercato-access", json());
        }
    }
    return out;
}

std::string fill(std::string text, const std::map<std::string, std::string>& ids) {
    for (const auto& [name, value] : ids) {
        const std::string placeholder = "<" + name + ">";
        for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size())) {
            text.replace(at, placeholder.size(), value);
        }
    }
    return text;
}

bool is_problem(const HttpReply& reply, std::initializer_list<int> statuses) {
    return std::find(statuses.begin(), statuses.end(), reply.status) != statuses.end() &&
           reply.header("content-type") == "application/problem+json";
}

// Every user_id anywhere in a reply.
void collect_user_ids(const json& j, std::vector<std::string>& out) {
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
            if (key == "user_id" && value.is_string()) out.push_back(value.get<std::string>());
            collect_user_ids(value, out);
        }
    } else if (j.is_array()) {
        for (const auto& value : j) collect_user_ids(value, out);
    }
}

// The shop with ann's belongings in place, and ids naming them for the table's placeholders.
struct World : ShopServer {
    World()
        : ShopServer(mercato::test::fresh_sqlite(),
                     // Carriers sign with the payments secret here, so one signature helper serves both callbacks.
                     [](mercato::kernel::Config& c) {
                         c.edit_section("shipping").set("callback_secrets", std::vector<std::string>{mercato::test::shop_webhook_secret});
                     }),
          c(client()) {
        ids["password"] = mercato::test::shop_password;
        ids["ann"] = read("/v1/users/profile", ann)["id"].get<std::string>();
        ids["bob"] = read("/v1/users/profile", bob)["id"].get<std::string>();
        ids["product"] = product(c, "OWNED", 100);
        ids["other"] = product(c, "OTHER", 100);

        ids["order"] = created("/v1/orders", cart(ids["product"], 2), ann);
        ids["payment"] = created("/v1/payment/checkout", card_checkout(ids["order"]), ann);
        REQUIRE(eventually([&] { return post("/v1/shipping/track", {{"order_id", ids["order"]}}, ann).status == 200; }));
        ids["tracking"] = post("/v1/shipping/track", {{"order_id", ids["order"]}}, ann).json()["tracking_number"].get<std::string>();
        for (const char* status : {"in_transit", "delivered"}) {
            REQUIRE(post("/v1/shipping/updates", {{"tracking_number", ids["tracking"]}, {"status", status}}, admin).status == 200);
        }
        REQUIRE(eventually([&] { return read("/v1/orders/" + ids["order"], ann)["status"] == "delivered"; }));
        const json lines = {{{"product_id", ids["product"]}, {"quantity", 1}}};
        ids["return"] = created("/v1/orders/" + ids["order"] + "/returns", {{"items", lines}, {"reason", "too small"}}, ann);

        ids["pending"] = created("/v1/orders", cart(ids["product"], 1), ann);
        ids["transfer"] = created("/v1/payment/checkout", {{"order_id", ids["pending"]}, {"method", "bank_transfer"}}, ann);
        created("/v1/products/" + ids["product"] + "/reviews", {{"rating", 5}, {"comment", "lovely"}}, ann);
        REQUIRE(send(c, "PUT", "/v1/notifications/preferences", {{"promotional", true}}, ann).status == 200);
        ids["refresh"] = refresh_token();
        ids["spare_refresh"] = refresh_token();
        created("/v1/orders", cart(ids["other"], 1), bob);
    }

    static json card_checkout(const std::string& order_id) {
        return {{"order_id", order_id},
                {"method", "card"},
                {"card", {{"number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}}}};
    }

    HttpReply post(const std::string& path, const json& body, const Headers& who) { return send(c, "POST", path, body, who); }

    json read(const std::string& target, const Headers& who) {
        const auto reply = c.get(target, who);
        INFO(target, " ", reply.body);
        REQUIRE(reply.status == 200);
        return reply.json();
    }

    // Posts what must be created; returns the new resource's id.
    std::string created(const std::string& path, const json& body, const Headers& who) {
        const auto reply = post(path, body, who);
        INFO(path, " ", reply.body);
        REQUIRE(reply.status == 201);
        return reply.json()["id"].get<std::string>();
    }

    std::string refresh_token() {
        const auto login = post("/v1/users/login", {{"email", "ann@example.com"}, {"password", mercato::test::shop_password}}, {});
        REQUIRE(login.status == 200);
        return login.json()["refresh_token"].get<std::string>();
    }

    // The row with ann's ids filled in, as `who`; signed, it carries a valid Mercato-Signature.
    HttpReply call(const std::string& method, const Call& row, const Headers& who, bool sign = false) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        auto values = ids;
        values["now"] = std::to_string(now);
        const std::string target = fill(row.target, values);
        const std::string body = fill(row.body, values);
        REQUIRE((target + body).find('<') == std::string::npos);
        Headers headers = who;
        if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
        if (sign) headers.emplace_back("Mercato-Signature", mercato::kernel::sign_webhook(body, mercato::test::shop_webhook_secret, now));
        return c.send(method, target, body, headers);
    }

    void check_unchanged(const json& before) {
        const json changed = json::diff(before, snapshot());
        CHECK_MESSAGE(changed.empty(), changed.dump());
    }

    // What ann owns, as she (or, for admin-only views, an admin) reads it.
    json snapshot() {
        json s;
        s["orders"] = read("/v1/orders?limit=100", ann)["items"];
        s["tracking"] = post("/v1/shipping/track", {{"order_id", ids["order"]}}, ann).json();
        for (const char* id : {"payment", "transfer"}) s[id] = read("/v1/payment/status?payment_id=" + ids[id], ann);
        s["profile"] = read("/v1/users/profile", ann);
        s["preferences"] = read("/v1/notifications/preferences", ann);
        // Delivery attempts move a message's status by themselves; what was sent to whom is what must not change.
        for (const auto& n : read("/v1/notifications/history?limit=100", ann)["items"]) {
            s["notifications"].push_back({n["id"], n["kind"], n["subject"], n["order_id"]});
        }
        s["product"] = read("/v1/products/" + ids["product"], {});
        s["reviews"] = read("/v1/products/" + ids["product"] + "/reviews", {})["items"];
        s["categories"] = read("/v1/categories", {});
        s["stock_adjustments"] = read("/v1/products/" + ids["product"] + "/stock-adjustments", admin)["items"];
        s["disputes"] = read("/v1/payment/disputes", admin)["items"];
        return s;
    }

    // The snapshot once events already in flight (notifications, shipments) have landed: every group has
    // handled its logs, and two snapshots 200 ms apart agree.
    json settled() {
        json last;
        REQUIRE(eventually(
            [&] {
                if (!caught_up()) return false;
                json now = snapshot();
                const bool same = now == last;
                last = std::move(now);
                return same;
            },
            std::chrono::seconds(20), std::chrono::milliseconds(200)));
        return last;
    }

    bool caught_up() {
        const auto groups = app->app().bus().status();
        return std::all_of(groups.begin(), groups.end(), [](const auto& g) { return g.lag == 0 && g.retrying == 0; });
    }

    HttpClient c;
    std::map<std::string, std::string> ids;
};

}  // namespace

TEST_CASE("every operation of the OpenAPI document says who may call it, and the access walk knows how to call it") {
    const auto ops = operations(openapi_document());
    for (const auto& [op, access] : ops) {
        CAPTURE(op);
        CHECK(access.is_string());
        CHECK(access_classes.contains(access.is_string() ? access.get<std::string>() : ""));
        CHECK(calls.contains(op));
    }
    for (const auto& [op, rows] : calls) {
        CAPTURE(op);
        CHECK(ops.contains(op));  // a row for an operation the document no longer has
    }
}

TEST_CASE("access: no customer reads, changes or deletes another's resource, none reaches an admin route, callbacks need a signature") {
    World w;
    const std::string ann_id = w.ids["ann"];
    const std::string bob_id = w.ids["bob"];
    json before = w.settled();

    for (const auto& [op, access_value] : operations(openapi_document())) {
        const auto row = calls.find(op);
        if (row == calls.end() || !access_value.is_string()) continue;  // the test case above names it
        const std::string method = op.substr(0, op.find(' '));
        const std::string access = access_value;
        for (const Call& call : row->second) {
            INFO(op, " (", access, ") as ", std::string(call.target), " ", std::string(call.body));
            if (access == "public") {
                const auto reply = w.call(method, call, {});
                INFO(reply.status, " ", reply.body);
                CHECK(reply.status != 401);
                CHECK(reply.status != 403);
                CHECK(reply.status < 500);
            } else if (access == "admin") {
                for (const Headers* who : {&w.ann, &w.bob}) {
                    const auto reply = w.call(method, call, *who);
                    INFO(reply.status, " ", reply.body);
                    CHECK(is_problem(reply, {403}));
                    w.check_unchanged(before);
                }
            } else if (access == "owner") {
                const auto stranger = w.call(method, call, w.bob);
                INFO("bob: ", stranger.status, " ", stranger.body);
                CHECK(is_problem(stranger, {403, 404}));
                w.check_unchanged(before);
                // The same call as ann gets through, so the ids above really are hers.
                const auto owner = w.call(method, call, w.ann);
                INFO("ann: ", owner.status, " ", owner.body);
                CHECK(owner.status != 401);
                CHECK(owner.status != 403);
                CHECK(owner.status != 404);
                CHECK(owner.status < 500);
                before = w.settled();
            } else if (access == "customer") {
                const auto reply = w.call(method, call, w.bob);
                INFO(reply.status, " ", reply.body);
                CHECK(reply.status != 401);
                CHECK(reply.status != 403);
                CHECK(reply.status != 404);  // bob's own data is there to find; a 404 hides an owner route
                CHECK(reply.status < 500);
                for (const char* hers : {"ann", "order", "pending", "payment", "transfer", "return", "tracking"}) {
                    CHECK(reply.body.find(w.ids[hers]) == std::string::npos);
                }
                std::vector<std::string> users;
                if (reply.status < 300 && !reply.body.empty()) collect_user_ids(reply.json(), users);
                for (const auto& user : users) CHECK(user == bob_id);
                w.check_unchanged(before);
            } else if (access == "signed") {
                mercato::test::check_problem(w.call(method, call, {}), 401);
                for (const Headers* who : {&w.ann, &w.bob}) {
                    const auto reply = w.call(method, call, *who);
                    INFO(reply.status, " ", reply.body);
                    CHECK(is_problem(reply, {401, 403}));
                }
                const auto signed_reply = w.call(method, call, {}, true);
                INFO("signed: ", signed_reply.status, " ", signed_reply.body);
                CHECK(signed_reply.status != 401);
                CHECK(signed_reply.status < 500);
                w.check_unchanged(before);
            }
        }
    }

    // Bob's own calls above (a logout with ann's refresh token, his password change) left ann signed in.
    CHECK(w.post("/v1/users/token/refresh", {{"refresh_token", w.ids["refresh"]}}, {}).status == 200);
    CHECK(w.post("/v1/users/login", {{"email", "ann@example.com"}, {"password", mercato::test::shop_password}}, {}).status == 200);
    // Lists that are bob's own show his, so the checks above on them were not vacuous.
    CHECK(!w.read("/v1/orders?user_id=" + ann_id, w.bob)["items"].empty());
    CHECK(!w.read("/v1/notifications/history?user_id=" + ann_id, w.bob)["items"].empty());
}
