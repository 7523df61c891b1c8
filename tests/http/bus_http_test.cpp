// The event bus behind the HTTP server: the admin endpoints (who may call them, what they show,
// replaying a dead letter) and a request's trace carried into the events its handler publishes.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>

#include <soci/soci.h>

#include "app/app.hpp"
#include "kernel/bus/bus.hpp"
#include "support/bus/bus_world.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/running_app.hpp"
#include "support/test_database.hpp"

using namespace mercato;
using test::HttpClient;

namespace {

// Bearer tokens of this test: "admin-token" and "customer-token"; anything else is not valid.
std::optional<http::Principal> test_tokens(std::string_view token) {
    if (token == "admin-token") return http::Principal{"usr_admin", "admin"};
    if (token == "customer-token") return http::Principal{"usr_customer", "customer"};
    return std::nullopt;
}

struct BusServer {
    explicit BusServer(std::atomic<bool>& mail_down) : db(test::fresh_sqlite()) {
        test::AppSetup setup{test::test_config(db->url()), test::bus_fixture_migrations(), true, {}, {}};
        setup.config.bus_max_attempts = 2;
        setup.config.bus_backoff_initial_ms = 10;
        setup.config.bus_backoff_max_ms = 20;
        setup.config.bus_poll_interval_ms = 100;
        setup.prepare = [&mail_down](app::App& app) {
            app.set_authenticator(test_tokens);
            app.bus().subscribe({test::receipts_group, "mailer", {test::order_placed},
                                 [&mail_down](const kernel::bus::Envelope& e, soci::session& s) {
                                     if (mail_down) throw std::runtime_error("mail server down");
                                     test::record_sent(s, e, "server");
                                 }});
        };
        app = std::make_unique<test::RunningApp>(std::move(setup));
    }
    std::unique_ptr<test::TestDatabase> db;
    std::unique_ptr<test::RunningApp> app;
};

test::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace

TEST_CASE("the bus admin routes need an admin: 401 without a token, 403 for a customer") {
    std::atomic<bool> mail_down{false};
    BusServer s(mail_down);
    HttpClient c(s.app->port());
    auto anonymous = c.get("/v1/admin/bus");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.header("content-type") == "application/problem+json");
    CHECK(c.get("/v1/admin/bus", bearer("forged")).status == 401);
    CHECK(c.get("/v1/admin/bus", bearer("customer-token")).status == 403);
    CHECK(c.send("POST", "/v1/admin/bus/dead-letters/dlq_x/replay", "", bearer("customer-token")).status == 403);
}

TEST_CASE("an admin sees each group's lag and dead letters, and replays a dead letter once") {
    std::atomic<bool> mail_down{true};
    BusServer s(mail_down);
    auto& app = s.app->app();
    test::place_order(app.database(), app.bus(), "ord_http");
    HttpClient c(s.app->port());
    nlohmann::json group;
    REQUIRE(test::eventually([&] {
        auto reply = c.get("/v1/admin/bus", bearer("admin-token"));
        if (reply.status != 200) return false;
        group = reply.json()["groups"][0];
        return group["dead_letters"].size() == 1;
    }));
    CHECK(group["group"] == test::receipts_group);
    CHECK(group["module"] == "mailer");
    CHECK(group["local"] == false);
    CHECK(group["driving"] == true);
    CHECK(group["lag"] == 0);
    CHECK(group["sources"][0]["source"] == "shop");
    CHECK(group["sources"][0]["head_offset"] == 1);
    const auto letter = group["dead_letters"][0];
    CHECK(letter["error"] == "mail server down");
    CHECK(letter["attempts"] == 2);
    CHECK(letter["event"]["topic"] == test::order_placed);
    CHECK(letter["event"]["key"] == "ord_http");
    CHECK(letter["event"]["payload"]["order_id"] == "ord_http");
    const std::string replay = "/v1/admin/bus/dead-letters/" + letter["id"].get<std::string>() + "/replay";

    auto again = c.send("POST", replay, "", bearer("admin-token"));
    CHECK(again.status == 422);
    CHECK(test::sent_rows(app.database()).empty());

    mail_down = false;
    auto replayed = c.send("POST", replay, "", bearer("admin-token"));
    CHECK(replayed.status == 200);
    CHECK(replayed.json()["status"] == "replayed");
    CHECK(test::sent_rows(app.database()).size() == 1);
    CHECK(c.send("POST", replay, "", bearer("admin-token")).status == 409);
    CHECK(c.send("POST", "/v1/admin/bus/dead-letters/dlq_01JD7X0000000000000000000Z/replay", "", bearer("admin-token")).status == 404);
    CHECK(c.get("/v1/admin/bus", bearer("admin-token")).json()["groups"][0]["dead_letters"].empty());

    const std::string metrics = c.get("/metrics").body;
    CHECK(metrics.find("mercato_bus_published_total{topic=\"shop.order-placed\"} 1") != std::string::npos);
    CHECK(metrics.find("mercato_bus_dead_lettered_total{group=\"mailer.receipts\",topic=\"shop.order-placed\"} 1") != std::string::npos);
    CHECK(metrics.find("mercato_bus_replayed_total{group=\"mailer.receipts\",topic=\"shop.order-placed\"} 1") != std::string::npos);
    CHECK(metrics.find("mercato_bus_lag{group=\"mailer.receipts\"} 0") != std::string::npos);
}

TEST_CASE("an event published by a request handler continues the trace the request came with") {
    auto db = test::fresh_sqlite();
    std::mutex mutex;
    std::vector<std::string> traces;
    test::AppSetup setup{test::test_config(db->url()), test::bus_fixture_migrations(), true, {}, {}};
    setup.prepare = [&](app::App& app) {
        app.bus().subscribe({test::receipts_group, "mailer", {test::order_placed}, [&](const kernel::bus::Envelope& e, soci::session&) {
                                 std::lock_guard lock(mutex);
                                 traces.push_back(e.traceparent);
                             }});
        app.router().add("POST", "/test/orders", [&app](http::Request&) {
            test::place_order(app.database(), app.bus(), "ord_traced");
            return http::Response::no_content(202);
        });
    };
    test::RunningApp server(std::move(setup));
    HttpClient c(server.port());
    const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    CHECK(c.send("POST", "/test/orders", "", {{"traceparent", incoming}}).status == 202);
    CHECK(c.send("POST", "/test/orders").status == 202);
    REQUIRE(test::eventually([&] { std::lock_guard lock(mutex); return traces.size() == 2; }));
    std::lock_guard lock(mutex);
    CHECK(traces[0].substr(0, 36) == incoming.substr(0, 36));
    CHECK(traces[0] != incoming);
    CHECK(traces[1].substr(3, 32) != incoming.substr(3, 32));  // no traceparent: a trace of its own
}
