// The HTTP suite: the real server on an ephemeral port, driven over HTTP, run on SQLite
// (tests/http) and on PostgreSQL (tests/pg). The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "kernel/problem.hpp"
#include "support/eventually.hpp"
#include "support/held_handler.hpp"
#include "support/http_client.hpp"
#include "support/running_app.hpp"
#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using mercato::http::Request;
using mercato::http::Response;
using mercato::test::AppSetup;
using mercato::test::HeldHandler;
using mercato::test::HttpClient;
using mercato::test::RunningApp;

// Routes under /test exist only in these tests: they let the suite drive the pipeline's error paths, and
// /test/held keeps a request in flight until the test releases it.
void add_test_routes(mercato::http::Router& router, const std::shared_ptr<HeldHandler>& held) {
    router.add("POST", "/test/echo", [](Request& r) { return Response::json(200, r.json()); });
    router.add("GET", "/test/read", [](Request&) { return Response::json(200, {{"read", true}}); });
    router.add("GET", "/test/held", [held](Request&) {
        held->hold();
        return Response::json(200, {{"held", true}});
    });
    router.add("GET", "/test/crash", [](Request&) -> Response { throw std::runtime_error("secret internals"); });
    router.add("GET", "/test/invalid", [](Request&) -> Response {
        throw mercato::kernel::Problem::unprocessable("price must be positive", {{"price", "must be greater than 0"}});
    });
}

struct Server {
    explicit Server(const std::function<void(mercato::kernel::Config&)>& tune = {}, bool migrate = true)
        : db(suite_database()) {
        AppSetup setup{mercato::test::test_config(db->url()), mercato::test::fixture_migrations(), migrate,
                       [held = held](mercato::http::Router& router) { add_test_routes(router, held); }, {}};
        if (tune) tune(setup.config);
        app = std::make_unique<RunningApp>(std::move(setup));
    }
    std::shared_ptr<HeldHandler> held = std::make_shared<HeldHandler>();
    std::unique_ptr<mercato::test::TestDatabase> db;
    std::unique_ptr<RunningApp> app;
    HttpClient client() const { return HttpClient(app->port()); }
};

void check_problem(const mercato::test::HttpReply& reply, int status) {
    CHECK(reply.status == status);
    CHECK(reply.header("content-type") == "application/problem+json");
    const auto body = reply.json();
    CHECK(body["status"] == status);
    CHECK(body["title"].is_string());
    CHECK(body["detail"].is_string());
    CHECK(body["type"].is_string());
}

}  // namespace

TEST_CASE("healthz answers ok with a generated request id, and echoes the client's id") {
    Server s;
    auto c = s.client();
    auto reply = c.get("/healthz");
    CHECK(reply.status == 200);
    CHECK(reply.json()["status"] == "ok");
    CHECK(reply.header("x-request-id").starts_with("req_"));
    CHECK(c.get("/healthz", {{"X-Request-Id", "trace-42"}}).header("x-request-id") == "trace-42");
}

TEST_CASE("readyz is 200 once migrations are applied and 503 problem+json while some are pending") {
    Server ready;
    CHECK(ready.client().get("/readyz").status == 200);
    Server pending({}, false);
    auto reply = pending.client().get("/readyz");
    check_problem(reply, 503);
    // The bus's tables come first in every module's schema.
    CHECK(reply.json()["detail"].get<std::string>().find("alpha/bus/0001_bus_tables") != std::string::npos);
}

TEST_CASE("an unknown route is 404 and a wrong verb is 405 with Allow, both problem+json") {
    Server s;
    auto c = s.client();
    check_problem(c.get("/v1/nothing-here"), 404);
    auto wrong = c.send("DELETE", "/healthz");
    check_problem(wrong, 405);
    CHECK(wrong.header("allow") == "GET");
}

TEST_CASE("malformed JSON is 400, a handler's Problem keeps its status and field errors") {
    Server s;
    auto c = s.client();
    check_problem(c.send("POST", "/test/echo", "{\"unterminated\": "), 400);
    CHECK(c.send("POST", "/test/echo", R"({"a":1})").json()["a"] == 1);
    auto invalid = c.get("/test/invalid");
    check_problem(invalid, 422);
    CHECK(invalid.json()["errors"][0]["field"] == "price");
}

TEST_CASE("a body or a path with bytes that are not UTF-8 is a problem+json answer, and the server goes on") {
    Server s;
    auto c = s.client();
    // The parse error quotes the stray byte; its answer once threw out of the error path and ended the process.
    check_problem(c.send("POST", "/test/echo", "{\"token\": \"token\",\xA0}"), 400);
    check_problem(c.get("/v1/sear\xC2h"), 404);
    CHECK(c.get("/healthz").status == 200);
}

TEST_CASE("a handler that throws answers 500 without leaking the error") {
    Server s;
    auto reply = s.client().get("/test/crash");
    check_problem(reply, 500);
    CHECK(reply.body.find("secret internals") == std::string::npos);
    CHECK_FALSE(reply.header("x-request-id").empty());
}

TEST_CASE("a body over the limit is refused with 413 before the handler runs") {
    Server s([](mercato::kernel::Config& c) { c.body_limit = 1024; });
    auto c = s.client();
    const std::string big = "{\"pad\":\"" + std::string(2048, 'x') + "\"}";
    check_problem(c.send("POST", "/test/echo", big), 413);
    const std::string small = "{\"pad\":\"" + std::string(512, 'x') + "\"}";
    CHECK(s.client().send("POST", "/test/echo", small).status == 200);
}

TEST_CASE("metrics count requests by route template and status, with latency and pool gauges") {
    Server s;
    auto c = s.client();
    c.get("/healthz");
    c.get("/healthz");
    c.get("/readyz");
    const auto text = c.get("/metrics").body;
    CHECK(text.find(R"(mercato_http_requests_total{route="/healthz",method="GET",status="200"} 2)") != std::string::npos);
    CHECK(text.find(R"(mercato_http_request_duration_seconds_bucket{route="/readyz",le="+Inf"} 1)") != std::string::npos);
    CHECK(text.find(R"(mercato_db_pool_connections{state="open"})") != std::string::npos);
    CHECK(text.find("# TYPE mercato_http_request_duration_seconds histogram") != std::string::npos);
}

TEST_CASE("the OpenAPI document parses and lists every route the server registers") {
    Server s;
    const auto doc = s.client().get("/openapi.json").json();
    CHECK(doc["openapi"].get<std::string>().starts_with("3.1"));
    for (const auto& route : s.app->app().router().routes()) {
        if (route.pattern.starts_with("/test/")) continue;
        std::string verb = route.method;
        for (auto& ch : verb) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        INFO(route.method, " ", route.pattern);
        CHECK(doc["paths"].contains(route.pattern));
        CHECK(doc["paths"][route.pattern].contains(verb));
    }
}

TEST_CASE("a large body is gzip-compressed when the client accepts it") {
    Server s;
    auto c = s.client();
    const auto plain = c.get("/openapi.json");
    const auto zipped = c.get("/openapi.json", {{"Accept-Encoding", "gzip, deflate"}});
    CHECK(plain.header("content-encoding").empty());
    CHECK(zipped.header("content-encoding") == "gzip");
    CHECK(zipped.body.size() < plain.body.size());
    CHECK(mercato::test::gunzip(zipped.body) == plain.body);
}

TEST_CASE("reads over the burst are refused with 429 and Retry-After, while health checks pass") {
    Server s([](mercato::kernel::Config& c) { c.rate_limits["read"] = {0.01, 3}; });
    auto c = s.client();
    for (int i = 0; i < 3; ++i) CHECK(c.get("/test/read").status == 200);
    auto refused = c.get("/test/read");
    check_problem(refused, 429);
    CHECK(std::stoi(refused.header("retry-after")) >= 1);
    CHECK(c.get("/healthz").status == 200);
}

TEST_CASE("CORS: an allowed origin gets its headers and a preflight lists the path's methods") {
    Server s([](mercato::kernel::Config& c) { c.cors_origins = {"https://shop.example"}; });
    auto c = s.client();
    auto simple = c.get("/healthz", {{"Origin", "https://shop.example"}});
    CHECK(simple.header("access-control-allow-origin") == "https://shop.example");
    CHECK(c.get("/healthz", {{"Origin", "https://evil.example"}}).header("access-control-allow-origin").empty());
    auto preflight = c.send("OPTIONS", "/test/echo", {},
                            {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
    CHECK(preflight.status == 204);
    CHECK(preflight.header("access-control-allow-methods").find("POST") != std::string::npos);
    CHECK(preflight.header("access-control-allow-origin") == "https://shop.example");
}

TEST_CASE("a client that trickles its header byte by byte is cut off at the header timeout") {
    Server s([](mercato::kernel::Config& c) { c.header_timeout_ms = 500; });
    auto c = s.client();
    const auto started = std::chrono::steady_clock::now();
    const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(400, 'a');  // 20 s of trickle
    bool cut_off = false;
    for (char byte : header) {
        try {
            c.write_raw(std::string(1, byte));
        } catch (const std::exception&) {
            cut_off = true;
            break;
        }
        if (c.closed_by_server(0)) {
            cut_off = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // every byte well within any per-read timeout
    }
    CHECK(cut_off);
    // The deadline covers the whole header: 500 ms plus the sweeper's 100 ms tick. The bound tells that from the
    // shipped 10 s timeout or the 20 s the trickle would last, with room for a loaded machine.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("over max_connections a new client gets 503 problem+json with Retry-After and is closed; a freed place serves again") {
    Server s([](mercato::kernel::Config& c) { c.max_connections = 3; });
    std::vector<std::unique_ptr<HttpClient>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<HttpClient>(s.app->port()));
        REQUIRE(held.back()->get("/healthz").status == 200);
    }
    HttpClient over(s.app->port());
    const auto refused = over.read_reply();  // told at once, before it sends anything
    check_problem(refused, 503);
    CHECK(refused.header("retry-after") == "1");
    CHECK(over.closed_by_server(1000));
    for (auto& h : held) CHECK(h->get("/healthz").status == 200);  // those within the limit are unaffected

    held.pop_back();
    CHECK(mercato::test::eventually([&] {
        try {
            HttpClient next(s.app->port());
            return next.get("/healthz").status == 200;
        } catch (const std::exception&) {
            return false;  // refused before the server saw the freed place
        }
    }));
}

TEST_CASE("keep-alive serves several requests on one connection") {
    Server s;
    auto c = s.client();
    for (int i = 0; i < 5; ++i) CHECK(c.get("/healthz").status == 200);
    CHECK(c.get("/healthz").header("connection") != "close");
}

// Whether the server refuses new connections, as it does from the moment it begins to shut down.
bool refusing(const Server& s) {
    try {
        HttpClient probe(s.app->port());
        return false;
    } catch (const std::exception&) {
        return true;
    }
}

TEST_CASE("graceful shutdown finishes the request in flight and then stops") {
    // A grace period far longer than the test, so only the request's end can let shutdown finish.
    Server s([](mercato::kernel::Config& c) { c.shutdown_grace_ms = 60'000; });
    auto c = s.client();
    auto in_flight = std::async(std::launch::async, [&] { return c.get("/test/held"); });
    REQUIRE(s.held->arrived());
    auto stopping = std::async(std::launch::async, [&] { s.app->stop(); });
    REQUIRE(mercato::test::eventually([&] { return refusing(s); }));
    CHECK(stopping.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);  // it waits for the request
    s.held->release();
    const auto reply = in_flight.get();
    CHECK(reply.status == 200);
    CHECK(reply.header("connection") == "close");
    // Stopped once the request was answered, not at the end of the grace period.
    CHECK(stopping.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
    CHECK_THROWS(HttpClient(s.app->port()));
}

TEST_CASE("shutdown closes idle keep-alive connections at once") {
    Server s([](mercato::kernel::Config& c) { c.shutdown_grace_ms = 60'000; });
    auto idle = s.client();
    CHECK(idle.get("/healthz").status == 200);
    const auto started = std::chrono::steady_clock::now();
    s.app->stop();
    // Waiting for the idle connection would take the 60 s grace period; 20 s leaves a loaded machine room.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
    CHECK(idle.closed_by_server(500));
}

TEST_CASE("shutdown stops waiting for a handler that outlives the grace period") {
    Server s([](mercato::kernel::Config& c) { c.shutdown_grace_ms = 200; });
    auto c = s.client();
    auto in_flight = std::async(std::launch::async, [&] {
        try {
            return c.get("/test/held").status;
        } catch (const std::exception&) {
            return 0;  // the connection was dropped
        }
    });
    REQUIRE(s.held->arrived());
    s.app->stop();
    CHECK_FALSE(s.held->finished());  // stop() returned at the end of the grace period, not when the handler did
    s.held->release();
    s.app.reset();  // waits for the handler before freeing what it uses
    CHECK(in_flight.get() != 200);
}

TEST_CASE("HEAD answers with GET's headers and no body") {
    Server s;
    auto reply = s.client().send("HEAD", "/healthz");
    CHECK(reply.status == 200);
    CHECK(reply.body.empty());
    CHECK(reply.header("content-length") == "15");
}

TEST_CASE("a chunked body over the limit is refused with 413") {
    Server s([](mercato::kernel::Config& c) { c.body_limit = 1024; });
    auto c = s.client();
    std::string request = "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) request += "200\r\n" + std::string(512, ' ') + "\r\n";
    request += "0\r\n\r\n";
    c.write_raw(request);
    check_problem(c.read_reply(), 413);
}
