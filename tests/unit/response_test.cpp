// Tests Response::problem of http/response.hpp: RFC 9457 problem+json bodies, with errors[] only for field errors.
#include "http/response.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "kernel/problem.hpp"

using mercato::http::Response;
using mercato::kernel::Problem;

TEST_CASE("a problem is answered as application/problem+json with type, title, status and detail") {
    const Response r = Response::problem(Problem::not_found("no product prd_1"));
    CHECK(r.status == 404);
    CHECK(r.content_type == "application/problem+json");

    const auto body = nlohmann::json::parse(r.body);
    CHECK(body.at("type") == "about:blank");
    CHECK(body.at("title") == "Not Found");
    CHECK(body.at("status") == 404);
    CHECK(body.at("detail") == "no product prd_1");
}

TEST_CASE("a problem's own type URI and status are kept") {
    const Response r = Response::problem(
        Problem(409, "Out of stock", "only 2 left", {}, "https://mercato.example/problems/out-of-stock"));
    CHECK(r.status == 409);
    const auto body = nlohmann::json::parse(r.body);
    CHECK(body.at("type") == "https://mercato.example/problems/out-of-stock");
    CHECK(body.at("title") == "Out of stock");
    CHECK(body.at("status") == 409);
}

TEST_CASE("a problem without detail repeats its title as the detail") {
    const auto body = nlohmann::json::parse(Response::problem(Problem(503, "Service Unavailable")).body);
    CHECK(body.at("detail") == "Service Unavailable");
}

TEST_CASE("a validation problem lists its field errors in order under errors[]") {
    const Response r = Response::problem(Problem::unprocessable(
        "the product is invalid", {{"price", "must be at least 0"}, {"sku", "must not be empty"}}));
    CHECK(r.status == 422);
    const auto body = nlohmann::json::parse(r.body);
    const nlohmann::json expected = nlohmann::json::array(
        {{{"field", "price"}, {"message", "must be at least 0"}}, {{"field", "sku"}, {"message", "must not be empty"}}});
    CHECK(body.at("errors") == expected);
}

TEST_CASE("a problem without field errors has no errors member") {
    for (const Problem& p : {Problem::bad_request("malformed JSON"), Problem::unprocessable("quantity too large")}) {
        CAPTURE(p.status());
        const auto body = nlohmann::json::parse(Response::problem(p).body);
        CHECK_FALSE(body.contains("errors"));
    }
}
