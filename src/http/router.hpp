// Maps method and path (with {param} segments) to a module's handler, and tells 404 from 405.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace mercato::http {

// How a route is rate limited: ops routes (health, metrics) never are, so a load balancer's probes always pass.
enum class RouteClass { ops, read, write, auth };

// Where a handler runs. Handlers that touch the database block, so they run on worker threads;
// only handlers that never block (health, metrics) may run on the I/O thread.
enum class Execution { worker, io_thread };

using Handler = std::function<Response(Request&)>;
// Answers on the I/O thread when it can without blocking (a cache hit); nullopt hands the request
// to the route's handler on a worker.
using FastPath = std::function<std::optional<Response>(const Request&)>;

struct RouteOptions {
    std::optional<RouteClass> rate_class;  // default: read for GET, write otherwise
    Execution execution = Execution::worker;
    FastPath fast_path{};
};

struct Route {
    std::string method;
    std::string pattern;  // "/v1/products/{id}"
    std::vector<std::string> segments;
    Handler handler;
    RouteClass rate_class;
    Execution execution;
    FastPath fast_path{};
};

struct RouteMatch {
    const Route* route = nullptr;       // set on a match
    std::vector<std::string> allowed;   // when the path exists but not for this method (405)
};

class Router {
public:
    // Throws std::invalid_argument for a malformed pattern or a route registered twice.
    void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

    // On a match, fills request.path_params. HEAD matches GET routes.
    // Throws Problem 400 when a path parameter has a malformed percent escape.
    RouteMatch match(std::string_view method, std::string_view path, Request& request) const;

    // Every method a path answers to (for Allow and CORS preflight), empty when none.
    std::vector<std::string> methods_for(std::string_view path) const;

    const std::vector<Route>& routes() const noexcept { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace mercato::http
