// The Analytics rows of API.md over HTTP on the real server, run on SQLite (tests/http) and
// PostgreSQL (tests/pg): a scripted shop day (orders, payments, a refund, client events) whose
// reports are checked against figures worked out by hand, a replay of every business event that
// changes none of them, CSV that says what the JSON says, and the checks on input. The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <chrono>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/database.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/shop_server.hpp"

#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using nlohmann::json;
using mercato::test::Headers;
using mercato::test::HttpReply;
using mercato::test::ShopServer;
using mercato::test::check_problem;
using mercato::test::eventually;

std::string utc_day(int offset_days) {
    const auto t = std::chrono::system_clock::now() + std::chrono::days(offset_days);
    const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t)};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

// The shop's day: ann buys 2 A, then 3 B; bob buys 1 B and 1 A and leaves another order unpaid; 3.00
// of bob's payment is refunded; visitors view products 5 times, add to cart 3 times, start checkout twice.
struct ShopDay : ShopServer {
    ShopDay() : ShopServer(suite_database()), c(client()) {
        const auto a = product(c, "A", 100, 1000);
        const auto b = product(c, "B", 100, 500);
        pay(order({{a, 2}}, ann), ann);
        const auto bobs = pay(order({{b, 1}, {a, 1}}, bob), bob);
        pay(order({{b, 3}}, ann), ann);
        order({{b, 1}}, bob);
        REQUIRE(send(c, "POST", "/v1/payment/refund", {{"payment_id", bobs}, {"amount", 300}}, admin).status == 201);
        for (const auto& [type, times] : std::vector<std::pair<std::string, int>>{
                 {"product_view", 5}, {"add_to_cart", 3}, {"checkout_started", 2}, {"page_view", 1}, {"newsletter_signup", 1}}) {
            for (int i = 0; i < times; ++i) {
                REQUIRE(send(c, "POST", "/v1/analytics/event",
                             {{"type", type}, {"session_id", "s-" + std::to_string(i)}, {"product_id", a}, {"properties", {{"i", i}}}})
                            .status == 202);
            }
        }
        // Events of different orders may be handled out of order (one waiting for a retry lets the others
        // pass), so wait for each kind's full count.
        REQUIRE(eventually([&] {
            const json sales = report("sales");
            const json funnel = report("funnel");
            return sales["orders"] == 3 && sales["refunds"] == 300 && funnel["steps"][3]["count"] == 4 && funnel["steps"][4]["count"] == 3;
        }));
    }

    std::string order(const std::vector<std::pair<std::string, int>>& lines, const Headers& who) {
        json body = cart(lines[0].first, lines[0].second);
        for (std::size_t i = 1; i < lines.size(); ++i) body["items"].push_back({{"product_id", lines[i].first}, {"quantity", lines[i].second}});
        const auto placed = send(c, "POST", "/v1/orders", body, who);
        REQUIRE(placed.status == 201);
        return placed.json()["id"].get<std::string>();
    }

    std::string pay(const std::string& order_id, const Headers& who) {
        const auto paid = send(c, "POST", "/v1/payment/checkout",
                               {{"order_id", order_id},
                                {"method", "card"},
                                {"card", {{"number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}}}},
                               who);
        REQUIRE(paid.status == 201);
        return paid.json()["id"].get<std::string>();
    }

    HttpReply get_report(const std::string& type, const std::string& extra = "") {
        return c.get("/v1/analytics/report?type=" + type + "&from=" + utc_day(-1) + "&to=" + utc_day(1) + extra, admin);
    }
    json report(const std::string& type) {
        const auto reply = get_report(type);
        REQUIRE(reply.status == 200);
        return reply.json();
    }

    mercato::test::HttpClient c;
};

// RFC 4180 rows, quotes handled.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quoted) {
            if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
            else if (ch == '"') quoted = false;
            else field += ch;
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            rows.back().push_back(std::move(field));
            field.clear();
        } else if (ch == '\r') {
        } else if (ch == '\n') {
            rows.back().push_back(std::move(field));
            field.clear();
            rows.emplace_back();
        } else {
            field += ch;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

}  // namespace

TEST_CASE("the sales report counts paid orders, their totals less refunds, and the average order, from the rollups") {
    ShopDay s;
    const json sales = s.report("sales");
    CHECK(sales["currency"] == "EUR");
    CHECK(sales["orders"] == 3);            // the unpaid order is not a sale
    CHECK(sales["gross_revenue"] == 5000);  // 20.00 + 15.00 + 15.00
    CHECK(sales["refunds"] == 300);
    CHECK(sales["revenue"] == 4700);
    CHECK(sales["average_order_value"] == 1666);
    REQUIRE(sales["by_day"].size() == 3);  // yesterday, today and tomorrow, the quiet days at zero
    std::int64_t orders = 0, revenue = 0;
    for (const auto& day : sales["by_day"]) {
        orders += day["orders"].get<std::int64_t>();
        revenue += day["revenue"].get<std::int64_t>();
    }
    CHECK(orders == 3);
    CHECK(revenue == 4700);
}

TEST_CASE("top products rank by units sold, with their revenue; the funnel and customers follow the day's script") {
    ShopDay s;
    const json top = s.report("top_products");
    REQUIRE(top["items"].size() == 2);
    CHECK(top["items"][0]["name"] == "Product B");  // 1 + 3 units
    CHECK(top["items"][0]["units"] == 4);
    CHECK(top["items"][0]["revenue"] == 2000);
    CHECK(top["items"][1]["name"] == "Product A");  // 2 + 1 units
    CHECK(top["items"][1]["units"] == 3);
    CHECK(top["items"][1]["revenue"] == 3000);

    const json funnel = s.report("funnel");
    const std::vector<std::pair<std::string, std::int64_t>> expected{
        {"product_views", 5}, {"add_to_cart", 3}, {"checkout_started", 2}, {"orders_placed", 4}, {"orders_paid", 3}};
    REQUIRE(funnel["steps"].size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(funnel["steps"][i]["name"] == expected[i].first);
        CHECK(funnel["steps"][i]["count"] == expected[i].second);
    }
    CHECK(funnel["steps"][0]["conversion"].is_null());
    CHECK(funnel["steps"][1]["conversion"] == doctest::Approx(0.6));
    CHECK(funnel["steps"][4]["conversion"] == doctest::Approx(0.75));

    const json customers = s.report("customers");
    CHECK(customers["new_customers"] == 2);        // ann's and bob's first orders
    CHECK(customers["returning_customers"] == 1);  // ann's second
}

TEST_CASE("replaying every business event changes no report") {
    ShopDay s;
    const json before = {s.report("sales"), s.report("top_products"), s.report("funnel"), s.report("customers")};
    auto& db = s.app->app().database();
    const auto handled = [&] {
        std::int64_t committed = 0;
        db.module("analytics").read([&](soci::session& session) {
            session << "SELECT COALESCE(SUM(committed_offset), 0) FROM analytics.bus_offsets WHERE group_name = 'analytics.business'",
                soci::into(committed);
        });
        return committed;
    };
    const auto position = handled();
    REQUIRE(position > 0);
    // Rewind the group to the start of every log (a new batch_seq fences the running driver, which then
    // reloads), and let a new order wake it: every event arrives again.
    db.module("analytics").write([](soci::session& session) {
        session << "UPDATE analytics.bus_offsets SET committed_offset = 0, batch_seq = batch_seq + 1 WHERE group_name = 'analytics.business'";
    });
    const auto c = s.product(s.c, "C", 10, 700);
    s.order({{c, 1}}, s.ann);
    REQUIRE(eventually([&] { return handled() > position; }));
    const json after = {s.report("sales"), s.report("top_products"), s.report("funnel"), s.report("customers")};
    CHECK(after[0] == before[0]);
    CHECK(after[1] == before[1]);
    CHECK(after[3] == before[3]);
    CHECK(after[2]["steps"][3]["count"] == 5);  // the new order, and nothing counted twice
    CHECK(after[2]["steps"][4]["count"] == before[2]["steps"][4]["count"]);
}

TEST_CASE("format=csv returns text/csv that parses to the JSON report's figures") {
    ShopDay s;
    const auto csv = s.get_report("sales", "&format=csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type").starts_with("text/csv"));
    const auto rows = parse_csv(csv.body);
    const json sales = s.report("sales");
    REQUIRE(rows.size() == sales["by_day"].size() + 1);
    const auto& header = rows[0];
    const auto column = [&](const std::string& name) { return std::find(header.begin(), header.end(), name) - header.begin(); };
    for (std::size_t i = 0; i < sales["by_day"].size(); ++i) {
        const json& day = sales["by_day"][i];
        CHECK(rows[i + 1][column("date")] == day["date"].get<std::string>());
        CHECK(rows[i + 1][column("orders")] == std::to_string(day["orders"].get<std::int64_t>()));
        CHECK(rows[i + 1][column("revenue")] == std::to_string(day["revenue"].get<std::int64_t>()));
    }
    const auto top = parse_csv(s.get_report("top_products", "&format=csv").body);
    REQUIRE(top.size() == 3);
    CHECK(top[1][std::find(top[0].begin(), top[0].end(), "units") - top[0].begin()] == "4");
}

TEST_CASE("reports are for admins, their dates are checked, and bad events are refused") {
    ShopServer s(suite_database());
    auto c = s.client();
    check_problem(c.get("/v1/analytics/report?type=sales&from=2026-01-01&to=2026-01-31", s.ann), 403);
    check_problem(c.get("/v1/analytics/report?type=sales&from=2026-01-01&to=2026-01-31"), 401);
    for (const char* query : {"type=sales&from=2026-02-30&to=2026-03-01", "type=sales&from=2026-03-02&to=2026-03-01",
                              "type=sales&from=2024-01-01&to=2026-01-01", "type=sales&to=2026-01-01", "type=profits&from=2026-01-01&to=2026-01-02",
                              "type=sales&from=2026-01-01&to=2026-01-02&format=xml"}) {
        CAPTURE(query);
        check_problem(c.get(std::string("/v1/analytics/report?") + query, s.admin), 422);
    }
    CHECK(ShopServer::send(c, "POST", "/v1/analytics/event", {{"type", "page_view"}}).status == 202);  // anonymous is fine
    check_problem(ShopServer::send(c, "POST", "/v1/analytics/event", {{"type", "Page-View"}}), 422);
    check_problem(ShopServer::send(c, "POST", "/v1/analytics/event", {{"type", "page_view"}, {"properties", {{"blob", std::string(5000, 'x')}}}}),
                  422);
    check_problem(ShopServer::send(c, "POST", "/v1/analytics/event", {{"type", "page_view"}, {"properties", "not an object"}}), 422);
}
