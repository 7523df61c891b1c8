// Feature flags over HTTP on SQLite: a 50% rollout of new_checkout gives each signed-in customer the
// same answer on every request, tells it in Mercato-Features, writes it in the access log, and the
// analytics funnel split by it counts each customer's events and orders under their answer.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kernel/clock.hpp"
#include "kernel/feature_flags.hpp"
#include "support/eventually.hpp"
#include "support/log_capture.hpp"
#include "support/shop_server.hpp"

namespace {

using mercato::kernel::FeatureFlags;
using mercato::test::Headers;
using mercato::test::LogCapture;
using mercato::test::ShopServer;
using mercato::test::check_problem;
using mercato::test::eventually;
using mercato::test::with;
using nlohmann::json;

// The UTC day offset_days from now, YYYY-MM-DD.
std::string utc_day(int offset_days) {
    return mercato::kernel::format_rfc3339(std::chrono::system_clock::now() + std::chrono::days(offset_days)).substr(0, 10);
}

struct Customer {
    std::string id;
    Headers bearer;
    std::string answer;  // "on" or "off", as FeatureFlags computes it for the id
};

// The log is watched from before the server starts, at the level that writes the access log.
struct RolloutShop {
    LogCapture log{"info", "text"};
    ShopServer shop{mercato::test::fresh_sqlite(), [](mercato::kernel::Config& config) {
                        config.features = {{"new_checkout", 50}};
                        config.log_level = "info";
                    }};
    mercato::test::HttpClient c = shop.client();
    const FeatureFlags flags{{{"new_checkout", 50}}};

    // Signs up customers until each answer has at least two of them.
    std::vector<Customer> customers() {
        std::vector<Customer> out;
        std::map<std::string, int> per_answer;
        for (int i = 0; i < 40 && (per_answer["on"] < 2 || per_answer["off"] < 2); ++i) {
            Customer customer;
            customer.bearer = ShopServer::bearer(c, fmt::format("customer{}@example.com", i), true);
            customer.id = c.get("/v1/users/profile", customer.bearer).json()["id"].get<std::string>();
            customer.answer = flags.enabled("new_checkout", customer.id) ? "on" : "off";
            ++per_answer[customer.answer];
            out.push_back(std::move(customer));
        }
        REQUIRE(per_answer["on"] >= 2);
        REQUIRE(per_answer["off"] >= 2);
        return out;
    }

    // The access log line of the request sent with this X-Request-Id.
    std::string access_line(const std::string& request_id) const {
        for (const auto& line : log.lines()) {
            if (line.find("[" + request_id + "] POST") != std::string::npos) return line;
        }
        return {};
    }

    json funnel(const std::string& extra) {
        const auto reply = c.get("/v1/analytics/report?type=funnel&from=" + utc_day(-1) + "&to=" + utc_day(1) + extra, shop.admin);
        REQUIRE(reply.status == 200);
        return reply.json();
    }
};

// Step name -> count of one funnel's steps.
std::map<std::string, std::int64_t> counts(const json& steps) {
    std::map<std::string, std::int64_t> out;
    for (const auto& step : steps) out[step["name"].get<std::string>()] = step["count"].get<std::int64_t>();
    return out;
}

}  // namespace

TEST_CASE("a 50% rollout answers each customer the same every time, in the header, the access log and the funnel by variant") {
    RolloutShop s;
    const auto product = s.shop.product(s.c, "A", 1000);
    const auto customers = s.customers();
    std::map<std::string, std::int64_t> per_answer;
    int n = 0;
    for (const auto& customer : customers) {
        ++per_answer[customer.answer];
        const std::string expected = "new_checkout:" + customer.answer;
        for (int view = 0; view < 2; ++view) {
            const std::string request_id = fmt::format("ff-view-{}", n++);
            const auto viewed = ShopServer::send(s.c, "POST", "/v1/analytics/event", {{"type", "product_view"}, {"product_id", product}},
                                                 with(customer.bearer, "X-Request-Id", request_id));
            REQUIRE(viewed.status == 202);
            CHECK(viewed.header("mercato-features") == expected);
            CHECK(s.access_line(request_id).ends_with(" features=" + expected));
        }
        const std::string request_id = fmt::format("ff-order-{}", n++);
        const auto placed = ShopServer::send(s.c, "POST", "/v1/orders", ShopServer::cart(product, 1),
                                             with(customer.bearer, "X-Request-Id", request_id));
        REQUIRE(placed.status == 201);
        CHECK(placed.header("mercato-features") == expected);
        CHECK(s.access_line(request_id).ends_with(" features=" + expected));
    }

    // Orders reach analytics over the bus, counted under the answer their customer was given.
    const auto total = static_cast<std::int64_t>(customers.size());
    REQUIRE(eventually([&] { return counts(s.funnel("")["steps"])["orders_placed"] == total; }));
    const json split = s.funnel("&feature=new_checkout");
    CHECK(split["feature"] == "new_checkout");
    CHECK(counts(split["steps"])["product_views"] == 2 * total);
    REQUIRE(split["by_variant"].size() == 2);
    for (const auto& variant : split["by_variant"]) {
        const std::string answer = variant["variant"].get<std::string>();
        CAPTURE(answer);
        const auto steps = counts(variant["steps"]);
        CHECK(steps.at("product_views") == 2 * per_answer[answer]);
        CHECK(steps.at("orders_placed") == per_answer[answer]);
        CHECK(steps.at("orders_paid") == 0);
    }

    const auto csv = s.c.get("/v1/analytics/report?type=funnel&format=csv&feature=new_checkout&from=" + utc_day(-1) + "&to=" + utc_day(1),
                             s.shop.admin);
    REQUIRE(csv.status == 200);
    CHECK(csv.body.starts_with("variant,name,count,conversion\r\n"));
    check_problem(s.c.get("/v1/analytics/report?type=sales&feature=new_checkout", s.shop.admin), 422);
}

TEST_CASE("an anonymous visitor's events follow their session's answer") {
    RolloutShop s;
    const std::string session = "visitor-7";
    const std::string expected = std::string("new_checkout:") + (s.flags.enabled("new_checkout", session) ? "on" : "off");
    for (int i = 0; i < 2; ++i) {
        const auto viewed = ShopServer::send(s.c, "POST", "/v1/analytics/event", {{"type", "product_view"}, {"session_id", session}});
        REQUIRE(viewed.status == 202);
        CHECK(viewed.header("mercato-features") == expected);
    }
    const json split = s.funnel("&feature=new_checkout");
    REQUIRE(split["by_variant"].size() == 1);
    CHECK("new_checkout:" + split["by_variant"][0]["variant"].get<std::string>() == expected);
    CHECK(counts(split["by_variant"][0]["steps"]).at("product_views") == 2);
}
