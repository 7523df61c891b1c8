// The whole shop over HTTP on a real `mercato serve`, on SQLite and on PostgreSQL: a customer's journey
// from registration to a refunded return, with the emails and the analytics it leaves along the way.
#include <ctime>

#include <doctest/doctest.h>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "support/eventually.hpp"
#include "support/served_shop.hpp"
#include "support/shop_server.hpp"
#include "support/smtp_sink.hpp"
#include "support/test_database.hpp"

namespace {

using namespace mercato::test;
using nlohmann::json;

std::string mail_config(std::uint16_t smtp_port) {
    return fmt::format(R"([notifications]
shop_name = "Trailhead Outfitters"
smtp_host = "127.0.0.1"
smtp_port = {}
smtp_from = "Trailhead <shop@trailhead.test>"
smtp_tls = "off"
smtp_timeout_ms = 2000
)",
                       smtp_port);
}

json card(const char* number) { return {{"number", number}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}}; }

struct Journey {
    // The client connects once the server is up, so start() runs before it is made.
    explicit Journey(const std::string& db_url) : shop(db_url, mail_config(sink.port())), c((shop.start(), shop.port())) {}

    json call(const std::string& method, const std::string& path, const json& body, const Headers& who, int status) {
        return expect_json(ShopServer::send(c, method, path, body, who), status);
    }
    json get(const std::string& path, const Headers& who = {}) { return expect_json(c.get(path, who), 200); }
    std::string order_status(const std::string& id, const Headers& who) { return get("/v1/orders/" + id, who)["status"]; }

    SmtpSink sink;
    ServedShop shop;
    HttpClient c;
};

void walk(Journey& j) {
    auto& admin = j.shop.admin;
    const auto stock_up = [&](const char* sku, const char* name, std::int64_t price, std::int64_t stock, const char* category,
                              std::vector<std::string> tags) {
        return j.call("POST", "/v1/products",
                      {{"sku", sku}, {"name", name}, {"description", std::string(name) + ", made to last"}, {"price", price},
                       {"currency", "EUR"}, {"stock", stock}, {"category", category}, {"tags", tags}},
                      admin, 201)["id"]
            .get<std::string>();
    };
    const auto shoe = stock_up("SHOE-1", "Trail Running Shoe", 8900, 10, "Footwear", {"running", "trail"});
    const auto socks = stock_up("SOCK-1", "Merino Running Socks", 1500, 40, "Footwear", {"running", "wool"});
    stock_up("MUG-1", "Enamel Camp Mug", 1200, 5, "Outdoor", {"camping"});

    // A visitor registers, signs in and browses.
    const json account = j.call("POST", "/v1/users/register",
                                {{"email", "ann@example.com"}, {"password", shop_password}, {"name", "Ann Walker"}}, {}, 201);
    CHECK(account["role"] == "customer");
    CHECK_FALSE(account.contains("password"));
    const Headers ann = j.shop.customer("ann@example.com");
    const json footwear = j.get("/v1/products?category=footwear&sort=price");
    REQUIRE(footwear["items"].size() == 2);
    CHECK(footwear["items"][0]["id"] == socks);
    CHECK(footwear["items"][1]["id"] == shoe);
    CHECK(j.get("/v1/products/" + shoe)["stock"] == 10);
    CHECK(j.get("/v1/categories")["items"].size() == 2);
    j.call("POST", "/v1/analytics/event", {{"type", "product_view"}, {"session_id", "visit-1"}, {"product_id", shoe}}, {}, 202);
    j.call("POST", "/v1/analytics/event", {{"type", "add_to_cart"}, {"session_id", "visit-1"}, {"product_id", shoe}}, ann, 202);

    // Search follows the catalog by itself.
    json running;
    REQUIRE(eventually([&] {
        running = j.get("/v1/search?q=running&category=footwear");
        return running["total"] == 2;
    }));
    CHECK(running["facets"]["tags"]["running"] == 2);
    const json found = j.get("/v1/search?q=trail%20shoe");
    REQUIRE(found["total"] == 1);
    CHECK(found["items"][0]["id"] == shoe);

    // Shipping is quoted, then the order placed with the cheapest option: the stock is held at once.
    const json lines = {{{"product_id", shoe}, {"quantity", 2}}, {{"product_id", socks}, {"quantity", 1}}};
    const json options = j.call("POST", "/v1/shipping/calculate", {{"items", lines}, {"destination", {{"country", "DE"}, {"postal_code", "10115"}}}},
                                {}, 200)["options"];
    REQUIRE_FALSE(options.empty());
    json cart = ShopServer::cart(shoe, 2);
    cart["items"] = lines;
    cart["shipping_option"] = options[0]["id"];
    const json order = j.call("POST", "/v1/orders", cart, ann, 201);
    const auto order_id = order["id"].get<std::string>();
    CHECK(order["status"] == "pending");
    CHECK(order["total"] == 2 * 8900 + 1500 + order["shipping_cost"].get<std::int64_t>());
    CHECK(order["shipping_cost"] == options[0]["amount"]);
    CHECK(j.get("/v1/products/" + shoe)["stock"] == 8);

    // A declined card leaves the order pending; the next card pays it, and it moves on by itself.
    const auto declined = ShopServer::send(j.c, "POST", "/v1/payment/checkout",
                                           {{"order_id", order_id}, {"method", "card"}, {"card", card("4000000000000002")}}, ann);
    check_problem(declined, 402);
    CHECK(j.order_status(order_id, ann) == "pending");
    const json payment = j.call("POST", "/v1/payment/checkout",
                                {{"order_id", order_id}, {"method", "card"}, {"card", card("4242424242424242")}}, ann, 201);
    CHECK(payment["status"] == "succeeded");
    CHECK(payment["amount"] == order["total"]);
    REQUIRE(eventually([&] { return j.order_status(order_id, ann) == "processing"; }));

    // The paid order gets a shipment by itself; the carrier's updates ship and deliver it.
    json tracking;
    REQUIRE(eventually([&] {
        const auto reply = ShopServer::send(j.c, "POST", "/v1/shipping/track", {{"order_id", order_id}}, ann);
        if (reply.status == 200) tracking = reply.json();
        return reply.status == 200;
    }));
    const auto number = tracking["tracking_number"].get<std::string>();
    j.call("POST", "/v1/shipping/updates", {{"tracking_number", number}, {"status", "in_transit"}, {"location", "Leipzig hub"}}, admin, 200);
    REQUIRE(eventually([&] { return j.order_status(order_id, ann) == "shipped"; }));
    j.call("POST", "/v1/shipping/updates", {{"tracking_number", number}, {"status", "delivered"}}, admin, 200);
    REQUIRE(eventually([&] { return j.order_status(order_id, ann) == "delivered"; }));
    CHECK(j.call("POST", "/v1/shipping/track", {{"order_id", order_id}}, ann, 200)["events"].size() >= 2);

    // One shoe goes back: the return is approved, refunded and restocked.
    const json asked = j.call("POST", "/v1/orders/" + order_id + "/returns",
                              {{"items", {{{"product_id", shoe}, {"quantity", 1}}}}, {"reason", "too small"}}, ann, 201);
    CHECK(asked["status"] == "requested");
    j.call("PUT", "/v1/orders/" + order_id + "/returns/" + asked["id"].get<std::string>(), {{"status", "approved"}}, admin, 200);
    CHECK(j.order_status(order_id, ann) == "returned");
    json settled;
    REQUIRE(eventually([&] {
        settled = j.get("/v1/payment/status?order_id=" + order_id, ann);
        return settled["status"] == "partially_refunded";  // once the provider settled the refund
    }));
    CHECK(settled["refunded_amount"] == 8900);
    REQUIRE(eventually([&] { return j.get("/v1/products/" + shoe)["stock"] == 9; }));

    // Every step emailed Ann once, over SMTP.
    const std::vector<std::string> kinds{"welcome", "order_confirmation", "payment_received", "order_shipped", "order_delivered"};
    REQUIRE(eventually([&] {
        const json history = j.get("/v1/notifications/history?limit=100", ann)["items"];
        std::size_t sent = 0;
        for (const auto& kind : kinds) {
            int seen = 0;
            for (const auto& n : history) seen += n["kind"] == kind && n["status"] == "sent";
            sent += seen == 1;
        }
        return sent == kinds.size();
    }));
    REQUIRE(eventually([&] {
        std::size_t to_ann = 0;
        for (const auto& mail : j.sink.messages()) to_ann += mail.recipients == std::vector<std::string>{"ann@example.com"};
        return to_ann == kinds.size();
    }));

    // The day's analytics: one paid order, its total less the refund, and the funnel that led to it.
    const auto today = fmt::format("{:%Y-%m-%d}", fmt::gmtime(std::time(nullptr)));
    json sales;
    REQUIRE(eventually([&] {
        sales = j.get(fmt::format("/v1/analytics/report?type=sales&from={}&to={}", today, today), admin);
        return sales["orders"] == 1 && sales["refunds"] == 8900;
    }));
    CHECK(sales["gross_revenue"] == order["total"]);
    CHECK(sales["revenue"] == order["total"].get<std::int64_t>() - 8900);
    const json funnel = j.get(fmt::format("/v1/analytics/report?type=funnel&from={}&to={}", today, today), admin)["steps"];
    std::map<std::string, std::int64_t> steps;
    for (const auto& s : funnel) steps[s["name"]] = s["count"];
    CHECK(steps["product_views"] == 1);
    CHECK(steps["add_to_cart"] == 1);
    CHECK(steps["orders_placed"] == 1);
    CHECK(steps["orders_paid"] == 1);
    j.shop.stop();
}

}  // namespace

TEST_CASE("a customer's journey on SQLite: register, browse, search, order, pay, ship, deliver, return, refund") {
    TempDir data;
    Journey j("sqlite:" + data.str());
    walk(j);
}

TEST_CASE("a customer's journey on PostgreSQL: register, browse, search, order, pay, ship, deliver, return, refund") {
    auto db = fresh_postgres();
    Journey j(db->url());
    walk(j);
}
