// Tests http/router.hpp: literal and {param} routes, 404 versus 405, HEAD, duplicates and rate classes.
#include "http/router.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "kernel/problem.hpp"

using mercato::http::Request;
using mercato::http::Response;
using mercato::http::RouteClass;
using mercato::http::RouteOptions;
using mercato::http::Router;

namespace {

// A handler that answers with its own name, so a test can tell which route ran.
mercato::http::Handler answers(std::string name) {
    return [name = std::move(name)](Request&) { return Response::text(200, name); };
}

// The catalogue's routes, registered the way a module would.
Router catalog_router() {
    Router router;
    router.add("GET", "/v1/products", answers("list"));
    router.add("POST", "/v1/products", answers("create"));
    router.add("GET", "/v1/products/{id}", answers("show"));
    router.add("DELETE", "/v1/products/{id}", answers("delete"));
    router.add("GET", "/v1/orders/{order_id}/lines/{line}", answers("line"));
    return router;
}

// Runs the matched route's handler and returns its name.
std::string run(const mercato::http::RouteMatch& match, Request& request) {
    REQUIRE(match.route != nullptr);
    return match.route->handler(request).body;
}

}  // namespace

TEST_CASE("a literal path matches its route for that method") {
    const Router router = catalog_router();
    Request request;
    CHECK(run(router.match("GET", "/v1/products", request), request) == "list");
    CHECK(run(router.match("POST", "/v1/products", request), request) == "create");
    CHECK(request.path_params.empty());
}

TEST_CASE("{param} segments match any non-empty segment and are captured by name") {
    const Router router = catalog_router();
    Request request;
    const auto match = router.match("GET", "/v1/orders/ord_1/lines/3", request);
    CHECK(run(match, request) == "line");
    CHECK(match.route->pattern == "/v1/orders/{order_id}/lines/{line}");
    CHECK(request.path_param("order_id") == "ord_1");
    CHECK(request.path_param("line") == "3");
}

TEST_CASE("path parameters are percent-decoded, with '+' kept as it is") {
    const Router router = catalog_router();
    Request request;
    REQUIRE(router.match("GET", "/v1/products/red%20shoe%2Fsize+9", request).route != nullptr);
    CHECK(request.path_param("id") == "red shoe/size+9");
}

TEST_CASE("a path parameter with a malformed percent escape is a 400 Problem") {
    const Router router = catalog_router();
    for (const char* path : {"/v1/products/%zz", "/v1/products/abc%2"}) {
        CAPTURE(path);
        Request request;
        try {
            router.match("GET", path, request);
            FAIL("no Problem thrown");
        } catch (const mercato::kernel::Problem& p) {
            CHECK(p.status() == 400);
        }
    }
}

TEST_CASE("a path no route knows is a 404: no route and no allowed methods") {
    const Router router = catalog_router();
    for (const char* path : {"/v1/nothing", "/v1/products/p1/extra", "/v1/products/", "/", ""}) {
        CAPTURE(path);
        Request request;
        const auto match = router.match("GET", path, request);
        CHECK(match.route == nullptr);
        CHECK(match.allowed.empty());
    }
}

TEST_CASE("a known path with another method is a 405 listing the methods it allows") {
    const Router router = catalog_router();
    Request request;
    const auto put_item = router.match("PUT", "/v1/products/p1", request);
    CHECK(put_item.route == nullptr);
    CHECK(put_item.allowed == std::vector<std::string>{"GET", "DELETE"});

    const auto delete_list = router.match("DELETE", "/v1/products", request);
    CHECK(delete_list.route == nullptr);
    CHECK(delete_list.allowed == std::vector<std::string>{"GET", "POST"});
}

TEST_CASE("HEAD matches the GET route of a path") {
    const Router router = catalog_router();
    Request request;
    const auto match = router.match("HEAD", "/v1/products/p9", request);
    CHECK(run(match, request) == "show");
    CHECK(request.path_param("id") == "p9");

    Router post_only;
    post_only.add("POST", "/v1/login", answers("login"));
    const auto head_login = post_only.match("HEAD", "/v1/login", request);
    CHECK(head_login.route == nullptr);
    CHECK(head_login.allowed == std::vector<std::string>{"POST"});
}

TEST_CASE("registering the same method and pattern twice throws") {
    Router router = catalog_router();
    CHECK_THROWS_AS(router.add("GET", "/v1/products/{id}", answers("again")), std::invalid_argument);
    CHECK_THROWS_AS(router.add("POST", "/v1/products", answers("again")), std::invalid_argument);
    CHECK_NOTHROW(router.add("PUT", "/v1/products/{id}", answers("replace")));
}

TEST_CASE("a pattern that does not start with '/' throws") {
    Router router;
    CHECK_THROWS_AS(router.add("GET", "v1/products", answers("x")), std::invalid_argument);
    CHECK_THROWS_AS(router.add("GET", "", answers("x")), std::invalid_argument);
}

TEST_CASE("GET routes default to the read rate class, other methods to write, unless options say otherwise") {
    Router router;
    router.add("GET", "/v1/a", answers("a"));
    router.add("POST", "/v1/a", answers("a"));
    router.add("DELETE", "/v1/a", answers("a"));
    router.add("POST", "/v1/login", answers("login"), RouteOptions{RouteClass::auth});
    router.add("GET", "/healthz", answers("health"), RouteOptions{RouteClass::ops});

    const auto& routes = router.routes();
    REQUIRE(routes.size() == 5);
    CHECK(routes[0].rate_class == RouteClass::read);
    CHECK(routes[1].rate_class == RouteClass::write);
    CHECK(routes[2].rate_class == RouteClass::write);
    CHECK(routes[3].rate_class == RouteClass::auth);
    CHECK(routes[4].rate_class == RouteClass::ops);
}

TEST_CASE("methods_for lists each method a path answers to, in registration order") {
    const Router router = catalog_router();
    CHECK(router.methods_for("/v1/products") == std::vector<std::string>{"GET", "POST"});
    CHECK(router.methods_for("/v1/products/p1") == std::vector<std::string>{"GET", "DELETE"});
    CHECK(router.methods_for("/v1/nothing").empty());
}

TEST_CASE("a literal segment beats a {param} in the same place, whatever the registration order") {
    Router router;
    router.add("GET", "/v1/users/{id}", answers("by id"));
    router.add("GET", "/v1/users/profile", answers("profile"));
    Request request;
    CHECK(run(router.match("GET", "/v1/users/profile", request), request) == "profile");
    CHECK(request.path_params.empty());
    CHECK(run(router.match("GET", "/v1/users/usr_1", request), request) == "by id");
}

TEST_CASE("malformed patterns and routes that differ only in a parameter's name are refused") {
    Router router;
    router.add("GET", "/v1/products/{id}", answers("show"));
    CHECK_THROWS_AS(router.add("GET", "/v1/products/{sku}", answers("twin")), std::invalid_argument);
    CHECK_THROWS_AS(router.add("GET", "/v1/{id", answers("broken")), std::invalid_argument);
    CHECK_THROWS_AS(router.add("GET", "/v1/{}", answers("empty")), std::invalid_argument);
}
