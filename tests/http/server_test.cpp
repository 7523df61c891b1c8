// Server behaviour that does not depend on the database backend: a lost database, one I/O thread.
#include <doctest/doctest.h>

#include <future>
#include <memory>

#include "http/response.hpp"
#include "support/held_handler.hpp"
#include "support/http_client.hpp"
#include "support/running_app.hpp"
#include "support/test_database.hpp"

using mercato::test::AppSetup;
using mercato::test::HeldHandler;
using mercato::test::HttpClient;
using mercato::test::RunningApp;

TEST_CASE("readyz is 503 problem+json when the database cannot be reached, while healthz stays 200") {
    // Nothing listens on port 1; the pool connects lazily, so the server starts and reports not ready.
    AppSetup setup{mercato::test::test_config("postgresql://mercato@127.0.0.1:1/mercato"),
                   mercato::test::fixture_migrations(), false, {}, {}};
    RunningApp app(std::move(setup));
    HttpClient client(app.port());
    const auto ready = client.get("/readyz");
    CHECK(ready.status == 503);
    CHECK(ready.header("content-type") == "application/problem+json");
    CHECK(client.get("/healthz").status == 200);
}

TEST_CASE("with one I/O thread a slow handler does not hold up other requests") {
    auto db = mercato::test::fresh_sqlite();
    auto held = std::make_shared<HeldHandler>();
    AppSetup setup{mercato::test::test_config(db->url()), {}, true, [held](mercato::http::Router& router) {
                       router.add("GET", "/test/held", [held](mercato::http::Request&) {
                           held->hold();
                           return mercato::http::Response::json(200, {{"held", true}});
                       });
                   },
                   {}};
    setup.config.io_threads = 1;
    RunningApp app(std::move(setup));
    HttpClient slow_client(app.port());
    auto slow = std::async(std::launch::async, [&] { return slow_client.get("/test/held").status; });
    REQUIRE(held->arrived());
    HttpClient quick_client(app.port());
    CHECK(quick_client.get("/healthz").status == 200);
    CHECK(quick_client.get("/readyz").status == 200);
    // The handler runs on a worker thread; had it blocked the only I/O thread, these would have been answered
    // only once it stopped holding.
    CHECK_FALSE(held->finished());
    held->release();
    CHECK(slow.get() == 200);
}

TEST_CASE("reads are answered while every write worker is held by a write") {
    auto db = mercato::test::fresh_sqlite();
    auto held = std::make_shared<HeldHandler>();
    AppSetup setup{mercato::test::test_config(db->url()), {}, true, [held](mercato::http::Router& router) {
                       router.add("POST", "/test/held", [held](mercato::http::Request&) {
                           held->hold();
                           return mercato::http::Response::json(201, {{"held", true}});
                       });
                       router.add("GET", "/test/read", [](mercato::http::Request&) {
                           return mercato::http::Response::json(200, {{"read", true}});
                       });
                   },
                   {}};
    setup.config.workers = 1;
    setup.config.write_workers = 1;
    RunningApp app(std::move(setup));
    HttpClient writer(app.port());
    auto write = std::async(std::launch::async, [&] { return writer.send("POST", "/test/held", "{}").status; });
    REQUIRE(held->arrived());
    // The one write worker is taken: a read runs on the read worker all the same.
    HttpClient reader(app.port());
    CHECK(reader.get("/test/read").status == 200);
    CHECK(reader.get("/readyz").status == 200);
    CHECK_FALSE(held->finished());
    held->release();
    CHECK(write.get() == 201);
}
