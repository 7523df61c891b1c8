// Tests http/pipeline.hpp without sockets: request ids, 404/405, rate limits, error rendering, CORS, gzip, metrics,
// feature flags' answers in the Mercato-Features header and the access log.
#include "http/pipeline.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "support/log_capture.hpp"

using mercato::http::Pipeline;
using mercato::http::Principal;
using mercato::http::Request;
using mercato::http::Response;
using mercato::http::Route;
using mercato::http::RouteClass;
using mercato::http::RouteOptions;
using mercato::http::Router;
using mercato::kernel::Config;
using mercato::kernel::MetricsRegistry;
using Headers = std::vector<std::pair<std::string, std::string>>;
using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::steady_clock::time_point{} + 1000h;

// Two reads or two writes at once, then one every 2 s; bodies from 256 bytes are compressed.
Config small_limits() {
    Config config;
    config.rate_limits["read"] = {0.5, 2};
    config.rate_limits["write"] = {0.5, 2};
    config.gzip_min_bytes = 256;
    return config;
}

Router shop_routes() {
    Router router;
    router.add("GET", "/v1/products/{id}", [](Request& r) { return Response::json(200, {{"id", r.path_param("id")}}); });
    router.add("DELETE", "/v1/products/{id}", [](Request&) { return Response::no_content(); });
    router.add("POST", "/v1/products", [](Request&) { return Response::json(201, {{"id", "prd_1"}}); });
    router.add("GET", "/v1/text/{bytes}", [](Request& r) {
        return Response::text(200, std::string(std::stoul(std::string(r.path_param("bytes"))), 'a'));
    });
    router.add("GET", "/v1/broken", [](Request&) -> Response {
        throw std::runtime_error("connect to db:5432 failed: password hunter2 rejected");
    });
    router.add("GET", "/v1/odd", [](Request&) -> Response { throw 42; });
    router.add("GET", "/v1/taken", [](Request&) -> Response { throw mercato::kernel::Problem::conflict("sku TEE-1 is taken"); });
    router.add("GET", "/v1/checkout", [](Request& r) { return Response::json(200, {{"checkout", r.feature_enabled("checkout")}}); });
    router.add("GET", "/healthz", [](Request&) { return Response::text(200, "ok"); }, RouteOptions{RouteClass::ops});
    return router;
}

// Accepts "valid-<user>" bearer tokens, as a token verifier would.
std::optional<Principal> accept_valid_tokens(std::string_view token) {
    if (!token.starts_with("valid-")) return std::nullopt;
    return Principal{std::string(token.substr(6)), "customer"};
}

Request make_request(std::string method, std::string address = "198.51.100.7", Headers headers = {}) {
    Request request;
    request.method = std::move(method);
    request.client_address = std::move(address);
    request.headers = std::move(headers);
    return request;
}

struct Shop {
    Config config;
    Router router = shop_routes();
    MetricsRegistry metrics;
    Pipeline pipeline{config, router, metrics};

    explicit Shop(Config c = small_limits()) : config(std::move(c)) {}

    // The whole exchange as the server session runs it: before, the handler unless answered early, after.
    Response send(Request& request, std::string_view target, std::chrono::steady_clock::time_point now = t0) {
        const Route* route = nullptr;
        std::optional<Response> early = pipeline.before(request, target, route, now);
        if (!early) CHECK(route != nullptr);
        Response response = early ? std::move(*early) : Pipeline::invoke(*route, request);
        pipeline.after(request, response, route, 3ms);
        return response;
    }

    Response get(std::string_view target, std::string address = "198.51.100.7", Headers headers = {},
                 std::chrono::steady_clock::time_point now = t0) {
        Request request = make_request("GET", std::move(address), std::move(headers));
        return send(request, target, now);
    }

    Response get_as(std::string_view user, std::string address) {
        return get("/v1/products/p1", std::move(address), {{"authorization", "Bearer valid-" + std::string(user)}});
    }
};

nlohmann::json body_of(const Response& r) { return nlohmann::json::parse(r.body); }

Config with_cors(std::vector<std::string> origins) {
    Config config = small_limits();
    config.cors_origins = std::move(origins);
    return config;
}

// No rate limits; checkout at 70%: on for bob (bucket 62), off for alice (bucket 83), as feature_flags_test pins.
Config with_checkout_rollout() {
    Config config;
    config.features = {{"checkout", 70}};
    return config;
}

Headers signed_in(std::string_view user) { return {{"authorization", "Bearer valid-" + std::string(user)}}; }

// The first line logged that holds text, or "".
std::string line_with(const mercato::test::LogCapture& log, std::string_view text) {
    for (const auto& line : log.lines()) {
        if (line.find(text) != std::string::npos) return line;
    }
    return {};
}

}  // namespace

TEST_CASE("a sane client X-Request-Id is echoed on the request and the response") {
    Shop shop;
    const std::string longest(128, 'r');
    for (const std::string& id : {std::string("abc-123_XYZ.9"), longest}) {
        Request request = make_request("GET", "198.51.100.7", {{"x-request-id", id}});
        const Response r = shop.send(request, "/v1/products/p1");
        CHECK(request.request_id == id);
        CHECK(r.header("X-Request-Id") == id);
    }
}

TEST_CASE("an X-Request-Id that is missing, over 128 characters, or has spaces or control characters is replaced") {
    Shop shop;
    for (const std::string& sent : {std::string(), std::string(129, 'r'), std::string("two words"),
                                    std::string("tab\there"), std::string("bell\x07"), std::string("caf\xc3\xa9")}) {
        CAPTURE(sent);
        Headers headers;
        if (!sent.empty()) headers.emplace_back("x-request-id", sent);
        const Response r = shop.get("/v1/products/p1", "198.51.100.7", headers);
        const std::string id(r.header("X-Request-Id"));
        CHECK(id != sent);
        CHECK(mercato::kernel::is_id(id, "req"));
    }
}

TEST_CASE("an unknown path is a 404 problem+json answered before any handler") {
    Shop shop;
    Request request = make_request("GET");
    const Route* route = nullptr;
    const auto answer = shop.pipeline.before(request, "/v1/nothing", route, t0);
    REQUIRE(answer.has_value());
    CHECK(route == nullptr);
    CHECK(answer->status == 404);
    CHECK(answer->content_type == "application/problem+json");
    CHECK(body_of(*answer).at("status") == 404);
}

TEST_CASE("a known path with the wrong verb is a 405 problem+json with an Allow header") {
    Shop shop;
    Request request = make_request("PUT");
    const Response r = shop.send(request, "/v1/products/p1");
    CHECK(r.status == 405);
    CHECK(r.content_type == "application/problem+json");
    CHECK(r.header("Allow") == "GET, DELETE");
}

TEST_CASE("a malformed percent escape in the target is a 400 problem+json") {
    Shop shop;
    for (const char* target : {"/v1/products/p1?q=%zz", "/v1/products/%zz"}) {
        CAPTURE(target);
        const Response r = shop.get(target);
        CHECK(r.status == 400);
        CHECK(r.content_type == "application/problem+json");
    }
}

TEST_CASE("a third read from one address within the burst window is refused with Retry-After") {
    Shop shop;
    CHECK(shop.get("/v1/products/p1").status == 200);
    CHECK(shop.get("/v1/products/p2").status == 200);

    const Response refused = shop.get("/v1/products/p3");
    CHECK(refused.status == 429);
    CHECK(refused.content_type == "application/problem+json");
    CHECK(refused.header("Retry-After") == "2");
    CHECK(body_of(refused).at("status") == 429);
}

TEST_CASE("a refused address may read again once a token has refilled") {
    Shop shop;
    shop.get("/v1/products/p1");
    shop.get("/v1/products/p1");
    REQUIRE(shop.get("/v1/products/p1", "198.51.100.7", {}, t0 + 1s).status == 429);
    CHECK(shop.get("/v1/products/p1", "198.51.100.7", {}, t0 + 2s).status == 200);
}

TEST_CASE("another address is not limited by the first address's reads") {
    Shop shop;
    for (int i = 0; i < 3; ++i) shop.get("/v1/products/p1", "198.51.100.7");
    REQUIRE(shop.get("/v1/products/p1", "198.51.100.7").status == 429);
    CHECK(shop.get("/v1/products/p1", "203.0.113.9").status == 200);
}

TEST_CASE("reads and writes from one address are limited separately") {
    Shop shop;
    for (int i = 0; i < 2; ++i) shop.get("/v1/products/p1");
    REQUIRE(shop.get("/v1/products/p1").status == 429);
    Request post = make_request("POST");
    CHECK(shop.send(post, "/v1/products").status == 201);
}

TEST_CASE("an ops route is never rate limited") {
    Shop shop;
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        CHECK(shop.get("/healthz").status == 200);
    }
}

TEST_CASE("with rate limiting disabled no request is refused") {
    Config config = small_limits();
    config.rate_limit_enabled = false;
    Shop shop(config);
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        CHECK(shop.get("/v1/products/p1").status == 200);
    }
}

TEST_CASE("only a bearer token the authenticator accepts sets the request's principal") {
    Shop shop;
    shop.pipeline.set_authenticator(accept_valid_tokens);
    const auto principal_for = [&](std::string authorization) {
        Request request = make_request("GET", "198.51.100.7", {{"authorization", std::move(authorization)}});
        const Route* route = nullptr;
        shop.pipeline.before(request, "/healthz", route, t0);
        return request.principal;
    };
    const auto alice = principal_for("Bearer valid-alice");
    REQUIRE(alice.has_value());
    CHECK(alice->user_id == "alice");
    CHECK_FALSE(principal_for("Bearer forged").has_value());
    CHECK_FALSE(principal_for("Basic valid-alice").has_value());
}

TEST_CASE("a signed-in user's reads from several addresses draw on one bucket of their own") {
    Shop shop;
    shop.pipeline.set_authenticator(accept_valid_tokens);
    CHECK(shop.get_as("alice", "198.51.100.1").status == 200);
    CHECK(shop.get_as("alice", "198.51.100.2").status == 200);
    const Response refused = shop.get_as("alice", "198.51.100.3");
    CHECK(refused.status == 429);
    CHECK_FALSE(refused.header("Retry-After").empty());

    CHECK(shop.get_as("bob", "198.51.100.1").status == 200);
}

TEST_CASE("signed-in users behind one address still share that address's bucket") {
    Shop shop;
    shop.pipeline.set_authenticator(accept_valid_tokens);
    CHECK(shop.get_as("alice", "192.0.2.50").status == 200);
    CHECK(shop.get_as("bob", "192.0.2.50").status == 200);
    CHECK(shop.get_as("carol", "192.0.2.50").status == 429);
}

TEST_CASE("invoke turns a thrown Problem into its status as problem+json") {
    Shop shop;
    const Response r = shop.get("/v1/taken");
    CHECK(r.status == 409);
    CHECK(r.content_type == "application/problem+json");
    CHECK(body_of(r).at("detail") == "sku TEE-1 is taken");
}

TEST_CASE("invoke turns any other exception into a 500 that does not leak its message") {
    Shop shop;
    const Response broken = shop.get("/v1/broken");
    CHECK(broken.status == 500);
    CHECK(broken.content_type == "application/problem+json");
    CHECK(broken.body.find("hunter2") == std::string::npos);
    CHECK(broken.body.find("db:5432") == std::string::npos);

    CHECK(shop.get("/v1/odd").status == 500);
}

TEST_CASE("after() gzips a compressible body of at least gzip_min_bytes when the client accepts gzip") {
    Shop shop;
    const Headers gzip_ok = {{"accept-encoding", "br, gzip"}};
    const Response r = shop.get("/v1/text/256", "198.51.100.7", gzip_ok);
    CHECK(r.header("Content-Encoding") == "gzip");
    CHECK(r.header("Vary") == "Accept-Encoding");
    CHECK(r.body.starts_with("\x1f\x8b"));
    CHECK(r.body.size() < 256);
}

TEST_CASE("after() leaves a body below gzip_min_bytes uncompressed") {
    Shop shop;
    const Response r = shop.get("/v1/text/255", "198.51.100.7", {{"accept-encoding", "gzip"}});
    CHECK(r.header("Content-Encoding").empty());
    CHECK(r.body == std::string(255, 'a'));
}

TEST_CASE("after() does not compress for a client that does not accept gzip") {
    Shop shop;
    for (const Headers& headers : {Headers{}, Headers{{"accept-encoding", "gzip;q=0"}}}) {
        const Response r = shop.get("/v1/text/1000", "198.51.100.7", headers);
        CHECK(r.header("Content-Encoding").empty());
        CHECK(r.body == std::string(1000, 'a'));
    }
}

TEST_CASE("a listed CORS origin is allowed by name, varying on Origin") {
    Shop shop(with_cors({"https://shop.example", "https://admin.example"}));
    const Response r = shop.get("/v1/products/p1", "198.51.100.7", {{"origin", "https://admin.example"}});
    CHECK(r.header("Access-Control-Allow-Origin") == "https://admin.example");
    CHECK(r.header("Vary") == "Origin");
}

TEST_CASE("an unlisted origin, or any origin without CORS configured, gets no CORS headers") {
    Shop listed(with_cors({"https://shop.example"}));
    CHECK(listed.get("/v1/products/p1", "198.51.100.7", {{"origin", "https://evil.example"}})
              .header("Access-Control-Allow-Origin")
              .empty());

    Shop none(with_cors({}));
    CHECK(none.get("/v1/products/p1", "198.51.100.7", {{"origin", "https://shop.example"}})
              .header("Access-Control-Allow-Origin")
              .empty());
}

TEST_CASE("a \"*\" CORS origin allows any origin as \"*\"") {
    Shop shop(with_cors({"*"}));
    const Response r = shop.get("/v1/products/p1", "198.51.100.7", {{"origin", "https://anyone.example"}});
    CHECK(r.header("Access-Control-Allow-Origin") == "*");
}

TEST_CASE("an OPTIONS preflight is a 204 listing the path's methods") {
    Shop shop(with_cors({"https://shop.example"}));
    Request request = make_request("OPTIONS", "198.51.100.7",
                                   {{"origin", "https://shop.example"}, {"access-control-request-method", "DELETE"}});
    const Response r = shop.send(request, "/v1/products/p1");
    CHECK(r.status == 204);
    CHECK(r.header("Access-Control-Allow-Methods") == "GET, DELETE, OPTIONS");
    CHECK(r.header("Access-Control-Allow-Origin") == "https://shop.example");
}

TEST_CASE("an OPTIONS request for an unknown path is a 404") {
    Shop shop(with_cors({"https://shop.example"}));
    Request request = make_request("OPTIONS", "198.51.100.7", {{"access-control-request-method", "GET"}});
    CHECK(shop.send(request, "/v1/nothing").status == 404);
}

TEST_CASE("after() counts each request under its route template, method and status") {
    Shop shop;
    shop.get("/v1/products/p1");
    shop.get("/v1/products/p2");
    shop.get("/v1/nothing");

    const std::string text = shop.metrics.render();
    CHECK(text.find("mercato_http_requests_total{route=\"/v1/products/{id}\",method=\"GET\",status=\"200\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("mercato_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("mercato_http_request_duration_seconds_count{route=\"/v1/products/{id}\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("/v1/products/p1") == std::string::npos);
}

TEST_CASE("a throttled request is counted under the route it was refused for") {
    Shop shop;
    shop.get("/v1/products/p1");
    shop.get("/v1/products/p2");
    CHECK(shop.get("/v1/products/p3").status == 429);
    CHECK(shop.metrics.render().find("mercato_http_requests_total{route=\"/v1/products/{id}\",method=\"GET\",status=\"429\"} 1\n") !=
          std::string::npos);
}

TEST_CASE("a flag is answered for the signed-in user, the same every time, and the answer sent in Mercato-Features") {
    Shop shop(with_checkout_rollout());
    shop.pipeline.set_authenticator(accept_valid_tokens);
    for (int i = 0; i < 3; ++i) {
        const Response bob = shop.get("/v1/checkout", "198.51.100.7", signed_in("bob"));
        CHECK(body_of(bob)["checkout"] == true);
        CHECK(bob.header("Mercato-Features") == "checkout:on");
        CHECK(shop.get("/v1/checkout", "198.51.100.7", signed_in("alice")).header("Mercato-Features") == "checkout:off");
    }
    CHECK(shop.get("/v1/checkout").header("Mercato-Features") == "checkout:off");  // anonymous: no stable subject
    CHECK(shop.get("/v1/products/p1", "198.51.100.7", signed_in("bob")).header("Mercato-Features").empty());  // asked nothing
}

TEST_CASE("with no flags configured a route that asks one answers as before, without the header") {
    Shop shop(Config{});
    shop.pipeline.set_authenticator(accept_valid_tokens);
    const Response response = shop.get("/v1/checkout", "198.51.100.7", signed_in("bob"));
    CHECK(body_of(response)["checkout"] == false);
    CHECK(response.header("Mercato-Features").empty());
}

TEST_CASE("the access log line names the flags the request was answered, in text and as a JSON field") {
    Shop shop(with_checkout_rollout());
    shop.pipeline.set_authenticator(accept_valid_tokens);
    {
        mercato::test::LogCapture log("info", "text");
        shop.get("/v1/checkout", "198.51.100.7", signed_in("bob"));
        shop.get("/v1/products/p1", "198.51.100.7", signed_in("bob"));
        CHECK(line_with(log, "GET /v1/checkout 200").ends_with(" features=checkout:on"));
        const std::string product = line_with(log, "GET /v1/products/p1 200");
        REQUIRE_FALSE(product.empty());
        CHECK(product.find("features=") == std::string::npos);
    }
    {
        mercato::test::LogCapture log("info", "json");
        shop.get("/v1/checkout", "198.51.100.7", signed_in("alice"));
        shop.get("/v1/products/p1", "198.51.100.7", signed_in("alice"));
        const std::string checkout = line_with(log, "GET /v1/checkout 200");
        REQUIRE_FALSE(checkout.empty());
        CHECK(nlohmann::json::parse(checkout)["features"] == "checkout:off");
        const std::string product = line_with(log, "GET /v1/products/p1 200");
        REQUIRE_FALSE(product.empty());
        CHECK_FALSE(nlohmann::json::parse(product).contains("features"));
    }
}
