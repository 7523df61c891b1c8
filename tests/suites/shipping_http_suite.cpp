// The Shipping rows of API.md over HTTP on the real server, run on SQLite (tests/http) and
// PostgreSQL (tests/pg), with the built-in rate table (config/shipping_rates.toml): rates at tier
// boundaries and the free-shipping threshold, orders priced with their shipping option, a shipment
// for every paid order, tracking, and parcel news from admins and signed carrier callbacks in any
// order. The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "kernel/webhook_signature.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/shop_server.hpp"

#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using nlohmann::json;
using mercato::test::HttpClient;
using mercato::test::HttpReply;
using mercato::test::check_problem;
using mercato::test::eventually;

constexpr const char* carrier_secret = "carrier-secret-0123456789";

struct ShippingShop : mercato::test::ShopServer {
    ShippingShop() : ShopServer(suite_database(), [](mercato::kernel::Config& c) {
                     c.edit_section("shipping").set("callback_secrets", std::vector<std::string>{carrier_secret});
                 }),
                     c(client()) {}

    // A product of `grams` (none: the rate table's default of 500 g) at `price` cents.
    std::string weighed(const std::string& sku, std::optional<std::int64_t> grams, std::int64_t price = 1000) {
        json body{{"sku", sku}, {"name", "Parcel " + sku}, {"price", price}, {"currency", "EUR"}, {"stock", 100}};
        if (grams) body["weight_grams"] = *grams;
        const auto reply = send(c, "POST", "/v1/products", body, admin);
        REQUIRE(reply.status == 201);
        return reply.json()["id"].get<std::string>();
    }

    HttpReply calculate(const std::string& product_id, std::int64_t quantity, const std::string& country,
                        const std::string& postal_code = "10115") {
        return send(c, "POST", "/v1/shipping/calculate",
                    {{"items", {{{"product_id", product_id}, {"quantity", quantity}}}},
                     {"destination", {{"country", country}, {"postal_code", postal_code}}}});
    }

    // The option's amount, or -1 when it is not offered.
    static std::int64_t amount_of(const json& options, const std::string& id) {
        for (const auto& o : options) {
            if (o["id"] == id) return o["amount"].get<std::int64_t>();
        }
        return -1;
    }

    json paid_order(const std::string& product_id, const std::string& option) {
        auto body = cart(product_id, 1);
        body["shipping_option"] = option;
        const auto placed = send(c, "POST", "/v1/orders", body, ann);
        REQUIRE(placed.status == 201);
        const json order = placed.json();
        const auto paid = send(c, "POST", "/v1/payment/checkout",
                               {{"order_id", order["id"]},
                                {"method", "card"},
                                {"card", {{"number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}}}},
                               ann);
        REQUIRE(paid.status == 201);
        return order;
    }

    // The order's shipment once the payment's event has made it.
    json shipment(const std::string& order_id) {
        json tracking;
        REQUIRE(eventually([&] {
            const auto reply = send(c, "POST", "/v1/shipping/track", {{"order_id", order_id}}, ann);
            if (reply.status == 200) tracking = reply.json();
            return reply.status == 200;
        }));
        return tracking;
    }

    HttpReply signed_update(const json& news) {
        const std::string body = news.dump();
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        return c.send("POST", "/v1/shipping/updates", body,
                      {{"Content-Type", "application/json"}, {"Mercato-Signature", mercato::kernel::sign_webhook(body, carrier_secret, now)}});
    }

    std::string order_status(const std::string& order_id) { return c.get("/v1/orders/" + order_id, ann).json()["status"].get<std::string>(); }

    HttpClient c;
};

}  // namespace

TEST_CASE("calculate lists every option that carries the parcel, cheapest first, with carrier, service, price and days") {
    ShippingShop s;
    const auto p = s.weighed("BOX", 1000);
    const auto reply = s.calculate(p, 1, "DE");
    REQUIRE(reply.status == 200);
    const json options = reply.json()["options"];
    REQUIRE(options.size() == 4);
    for (std::size_t i = 1; i < options.size(); ++i) CHECK(options[i - 1]["amount"] <= options[i]["amount"]);
    for (const auto& o : options) {
        for (const char* field : {"id", "carrier", "service", "amount", "currency", "estimated_days"}) CHECK(o.contains(field));
        CHECK(o["currency"] == "EUR");
    }
    CHECK(ShippingShop::amount_of(options, "dhl-standard") == 499);
}

TEST_CASE("rates follow the weight tiers: exactly at a tier's limit is that tier, a gram over is the next, past the last is not offered") {
    ShippingShop s;
    const auto at_limit = s.weighed("AT", 2000);
    const auto over = s.weighed("OVER", 2001);
    const auto too_heavy = s.weighed("HEAVY", 31501);
    CHECK(ShippingShop::amount_of(s.calculate(at_limit, 1, "DE").json()["options"], "dhl-standard") == 499);
    CHECK(ShippingShop::amount_of(s.calculate(over, 1, "DE").json()["options"], "dhl-standard") == 699);
    // Weight is per unit times quantity; a product without one weighs the table's default (500 g).
    const auto unweighed = s.weighed("PLAIN", std::nullopt, 900);  // five stay under the free-shipping threshold
    CHECK(ShippingShop::amount_of(s.calculate(unweighed, 4, "DE").json()["options"], "dhl-standard") == 499);
    CHECK(ShippingShop::amount_of(s.calculate(unweighed, 5, "DE").json()["options"], "dhl-standard") == 699);
    // 31.5 kg is every service's last tier in Germany: nothing carries more.
    const auto heavy = s.calculate(too_heavy, 1, "DE");
    check_problem(heavy, 422);
    CHECK(heavy.json()["errors"][0]["field"] == "items");
}

TEST_CASE("free shipping from the zone's threshold for free-eligible services; express still costs") {
    ShippingShop s;
    const auto below = s.weighed("BELOW", 1000, 4999);
    const auto at = s.weighed("AT", 1000, 5000);
    const json charged = s.calculate(below, 1, "DE").json()["options"];
    const json free = s.calculate(at, 1, "DE").json()["options"];
    CHECK(ShippingShop::amount_of(charged, "dhl-standard") == 499);
    CHECK(ShippingShop::amount_of(free, "dhl-standard") == 0);
    CHECK(ShippingShop::amount_of(free, "dhl-express") > 0);
    CHECK(ShippingShop::amount_of(free, "dhl-express") == ShippingShop::amount_of(charged, "dhl-express"));
    // Islands have their own zone (by postal code) with no free shipping.
    CHECK(ShippingShop::amount_of(s.calculate(at, 1, "DE", "18565").json()["options"], "dhl-standard") > 0);
}

TEST_CASE("an unsupported country, an unknown product or a bad destination is 422 naming the problem") {
    ShippingShop s;
    const auto p = s.weighed("BOX", 1000);
    const auto far = s.calculate(p, 1, "AQ");
    check_problem(far, 422);
    CHECK(far.json()["errors"][0]["field"] == "destination");
    const auto unknown = s.calculate("prd_01JD7X0000000000000000000000", 1, "DE");
    check_problem(unknown, 422);
    CHECK(unknown.json()["errors"][0]["field"] == "items[0].product_id");
    check_problem(s.calculate(p, 1, "Germany"), 422);
    check_problem(s.calculate(p, 0, "DE"), 422);
}

TEST_CASE("an order's shipping_option is priced by the rates into shipping_cost and total; an option that does not go there is 422") {
    ShippingShop s;
    const auto p = s.weighed("BOX", 1000, 1250);
    auto body = ShippingShop::cart(p, 2);
    body["shipping_option"] = "dhl-express";
    const auto express = s.calculate(p, 2, "DE");
    const auto expected = ShippingShop::amount_of(express.json()["options"], "dhl-express");
    const auto placed = ShippingShop::send(s.c, "POST", "/v1/orders", body, s.ann);
    REQUIRE(placed.status == 201);
    CHECK(placed.json()["shipping_cost"] == expected);
    CHECK(placed.json()["total"] == 2500 + expected);
    body["shipping_option"] = "mule-train";
    const auto refused = ShippingShop::send(s.c, "POST", "/v1/orders", body, s.ann);
    check_problem(refused, 422);
    CHECK(refused.json()["errors"][0]["field"] == "shipping_option");
    CHECK(s.c.get("/v1/products/" + p).json()["stock"] == 98);  // the refused order took nothing
}

TEST_CASE("a paid order gets one shipment with a tracking number; owner and admin track it, others get 404") {
    ShippingShop s;
    const auto p = s.weighed("BOX", 1000);
    const json order = s.paid_order(p, "dhl-standard");
    const auto order_id = order["id"].get<std::string>();
    const json t = s.shipment(order_id);
    const auto number = t["tracking_number"].get<std::string>();
    CHECK(number.starts_with("JJD01460"));
    CHECK(t["carrier"] == "DHL");
    CHECK(t["status"] == "label_created");
    REQUIRE(t["events"].size() == 1);
    CHECK(t["events"][0]["status"] == "label_created");
    CHECK(ShippingShop::send(s.c, "POST", "/v1/shipping/track", {{"tracking_number", number}}, s.admin).json()["order_id"] == order_id);
    check_problem(ShippingShop::send(s.c, "POST", "/v1/shipping/track", {{"order_id", order_id}}, s.bob), 404);
    check_problem(ShippingShop::send(s.c, "POST", "/v1/shipping/track", {{"tracking_number", number}}, s.bob), 404);
    check_problem(ShippingShop::send(s.c, "POST", "/v1/shipping/track", {{"order_id", order_id}}), 401);
    check_problem(ShippingShop::send(s.c, "POST", "/v1/shipping/track", json::object(), s.ann), 422);
}

TEST_CASE("admin updates move the order to shipped and delivered; customers may not post updates, unsigned callers are 401") {
    ShippingShop s;
    const auto p = s.weighed("BOX", 1000);
    const auto order_id = s.paid_order(p, "fedex-ground")["id"].get<std::string>();
    const auto number = s.shipment(order_id)["tracking_number"].get<std::string>();
    check_problem(ShippingShop::send(s.c, "POST", "/v1/shipping/updates", {{"tracking_number", number}, {"status", "in_transit"}}, s.ann),
                  403);
    check_problem(ShippingShop::send(s.c, "POST", "/v1/shipping/updates", {{"tracking_number", number}, {"status", "in_transit"}}), 401);
    check_problem(ShippingShop::send(s.c, "POST", "/v1/shipping/updates", {{"tracking_number", number}, {"status", "lost"}}, s.admin),
                  422);
    check_problem(
        ShippingShop::send(s.c, "POST", "/v1/shipping/updates", {{"tracking_number", "JJD000"}, {"status", "in_transit"}}, s.admin), 404);
    REQUIRE(eventually([&] { return s.order_status(order_id) == "processing"; }));
    const auto moved = ShippingShop::send(s.c, "POST", "/v1/shipping/updates",
                                          {{"tracking_number", number}, {"status", "in_transit"}, {"location", "Leipzig hub"}}, s.admin);
    REQUIRE(moved.status == 200);
    CHECK(moved.json()["status"] == "in_transit");
    CHECK(moved.json()["events"][1]["location"] == "Leipzig hub");
    CHECK(eventually([&] { return s.order_status(order_id) == "shipped"; }));
    REQUIRE(ShippingShop::send(s.c, "POST", "/v1/shipping/updates", {{"tracking_number", number}, {"status", "delivered"}}, s.admin).status ==
            200);
    CHECK(eventually([&] { return s.order_status(order_id) == "delivered"; }));
}

TEST_CASE("signed carrier callbacks, duplicated and out of order, leave one history in the allowed order") {
    ShippingShop s;
    const auto p = s.weighed("BOX", 1000);
    const auto order_id = s.paid_order(p, "dhl-standard")["id"].get<std::string>();
    const auto number = s.shipment(order_id)["tracking_number"].get<std::string>();
    REQUIRE(eventually([&] { return s.order_status(order_id) == "processing"; }));
    const json in_transit{{"tracking_number", number}, {"status", "in_transit"}, {"location", "Hamburg"}};
    const json out_for_delivery{{"tracking_number", number}, {"status", "out_for_delivery"}};
    const json delivered{{"tracking_number", number}, {"status", "delivered"}};
    // Sent as a carrier's retrying network would: the out-for-delivery scan first, twice, then the
    // in-transit scan late, then delivery twice, then the late in-transit once more.
    CHECK(s.signed_update(out_for_delivery).json()["applied"] == true);
    CHECK(s.signed_update(out_for_delivery).json()["applied"] == false);
    CHECK(s.signed_update(in_transit).json()["applied"] == false);
    CHECK(s.signed_update(delivered).json()["applied"] == true);
    CHECK(s.signed_update(delivered).json()["applied"] == false);
    const auto last = s.signed_update(in_transit);
    REQUIRE(last.status == 200);
    const json t = last.json();
    CHECK(t["status"] == "delivered");
    std::vector<std::string> history;
    for (const auto& e : t["events"]) history.push_back(e["status"].get<std::string>());
    CHECK(history == std::vector<std::string>{"label_created", "out_for_delivery", "delivered"});
    CHECK(eventually([&] { return s.order_status(order_id) == "delivered"; }));

    std::string tampered = delivered.dump();
    const auto signature = mercato::kernel::sign_webhook(tampered, carrier_secret, 0);
    check_problem(s.c.send("POST", "/v1/shipping/updates", tampered, {{"Mercato-Signature", signature}}), 401);
}
