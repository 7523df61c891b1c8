// Tests http/request.hpp: splitting the target into path and decoded query, header lookup and lazy JSON bodies.
#include "http/request.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "kernel/problem.hpp"

using mercato::http::Request;
using Pairs = std::vector<std::pair<std::string, std::string>>;

namespace {

// The status of the Problem fn throws, or 0 when it throws none.
template <class Fn>
int problem_status(Fn&& fn) {
    try {
        fn();
    } catch (const mercato::kernel::Problem& p) {
        return p.status();
    }
    return 0;
}

Request with_body(std::string body, std::string content_type = "application/json") {
    Request request;
    request.method = "POST";
    request.body = std::move(body);
    if (!content_type.empty()) request.headers.emplace_back("content-type", std::move(content_type));
    return request;
}

}  // namespace

TEST_CASE("set_target keeps the path encoded and decodes the query, '+' as a space") {
    Request request;
    request.set_target("/v1/search%20all?q=red+shoes&tag=a%20b%26c&empty=&flag");
    CHECK(request.path == "/v1/search%20all");
    CHECK(request.query == Pairs{{"q", "red shoes"}, {"tag", "a b&c"}, {"empty", ""}, {"flag", ""}});
    CHECK(request.query_param("tag") == "a b&c");
    CHECK(request.query_param("missing") == std::nullopt);
}

TEST_CASE("set_target keeps repeated query keys in order and skips empty pairs") {
    Request request;
    request.set_target("/v1/products?&sort=price&&sort=name&");
    CHECK(request.query == Pairs{{"sort", "price"}, {"sort", "name"}});
    CHECK(request.query_param("sort") == "price");
}

TEST_CASE("set_target without a query leaves no query parameters, even from an earlier target") {
    Request request;
    request.set_target("/v1/products?limit=5");
    request.set_target("/v1/products");
    CHECK(request.path == "/v1/products");
    CHECK(request.query.empty());
}

TEST_CASE("a malformed percent escape in the query is a 400 Problem") {
    for (const char* target : {"/v1/products?q=%zz", "/v1/products?q=%2", "/v1/products?%g1=x"}) {
        CAPTURE(target);
        Request request;
        CHECK(problem_status([&] { request.set_target(target); }) == 400);
    }
}

TEST_CASE("header() finds a header whatever the case of the name asked for, and \"\" when absent") {
    Request request;
    request.headers = {{"content-type", "application/json"}, {"x-request-id", "first"}, {"x-request-id", "second"}};
    CHECK(request.header("Content-Type") == "application/json");
    CHECK(request.header("CONTENT-TYPE") == "application/json");
    CHECK(request.header("x-request-id") == "first");
    CHECK(request.header("authorization").empty());
}

TEST_CASE("json() parses the body once and returns the same document afterwards") {
    Request request = with_body(R"({"sku":"TEE-1","qty":2})");
    const nlohmann::json& first = request.json();
    CHECK(first.at("sku") == "TEE-1");
    CHECK(first.at("qty") == 2);

    request.body = "not json any more";
    const nlohmann::json& second = request.json();
    CHECK(&second == &first);
    CHECK(second.at("qty") == 2);
}

TEST_CASE("json() refuses a malformed or empty body with 400") {
    for (const char* body : {"{\"sku\":", "[1,2", "hello", ""}) {
        CAPTURE(body);
        const Request request = with_body(body);
        CHECK(problem_status([&] { request.json(); }) == 400);
    }
}

TEST_CASE("json() refuses a body declared as another media type with 415") {
    for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/jsonp"}) {
        CAPTURE(type);
        const Request request = with_body(R"({"ok":true})", type);
        CHECK(problem_status([&] { request.json(); }) == 415);
    }
}

TEST_CASE("json() accepts application/json with parameters, any +json type, and no Content-Type") {
    for (const char* type : {"application/json", "application/json; charset=utf-8", "Application/JSON",
                             "application/merge-patch+json", ""}) {
        CAPTURE(type);
        const Request request = with_body(R"({"ok":true})", type);
        CHECK(request.json().at("ok") == true);
    }
}

TEST_CASE("json() refuses a document nested deeper than 64 levels with 400; brackets inside strings do not count") {
    const auto nested = [](int levels, const std::string& inside) {
        return std::string(static_cast<std::size_t>(levels), '[') + inside + std::string(static_cast<std::size_t>(levels), ']');
    };
    CHECK(problem_status([&] { with_body(nested(65, "1")).json(); }) == 400);
    CHECK(with_body(nested(64, "\"[[[[ \\\" {{{{\"")).json().is_array());
    std::string objects;
    for (int i = 0; i < 65; ++i) objects += "{\"a\":";
    CHECK(problem_status([&] { with_body(objects + "1" + std::string(65, '}')).json(); }) == 400);
}
