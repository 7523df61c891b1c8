#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernel/problem.hpp"

namespace mercato::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path.empty() || path.front() != '/') return parts;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches without touching the request, so 405 detection can probe every route.
bool matches(const Route& route, const std::vector<std::string_view>& parts) {
    if (route.segments.size() != parts.size()) return false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (is_param(route.segments[i])) {
            if (parts[i].empty()) return false;
        } else if (route.segments[i] != parts[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
    if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with '/': " + pattern);
    std::vector<std::string> segments;
    for (auto part : split_path(pattern)) {
        const bool braces = part.find_first_of("{}") != std::string_view::npos;
        if (braces && !is_param(part)) throw std::invalid_argument("malformed route segment '" + std::string(part) + "' in " + pattern);
        segments.emplace_back(part);
    }
    // {id} and {sku} in the same place are the same route: the second could never match.
    auto same_shape = [&](const Route& r) {
        if (r.segments.size() != segments.size()) return false;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            const bool both_params = is_param(r.segments[i]) && is_param(segments[i]);
            if (!both_params && r.segments[i] != segments[i]) return false;
        }
        return true;
    };
    for (const auto& r : routes_) {
        if (r.method == method && same_shape(r)) throw std::invalid_argument("route registered twice: " + method + " " + pattern);
    }
    const RouteClass rate_class = options.rate_class.value_or(method == "GET" ? RouteClass::read : RouteClass::write);
    routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler), rate_class,
                       options.execution, std::move(options.fast_path)});
}

RouteMatch Router::match(std::string_view method, std::string_view path, Request& request) const {
    const auto parts = split_path(path);
    const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
    RouteMatch result;
    // /v1/users/profile beats /v1/users/{id} whatever the order they were registered in:
    // the route with the most literal segments wins.
    std::size_t best_literals = 0;
    for (const auto& route : routes_) {
        if (!matches(route, parts)) continue;
        if (route.method != wanted) {
            if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end()) {
                result.allowed.push_back(route.method);
            }
            continue;
        }
        const auto literals = static_cast<std::size_t>(
            std::count_if(route.segments.begin(), route.segments.end(), [](const std::string& s) { return !is_param(s); }));
        if (result.route == nullptr || literals > best_literals) {
            result.route = &route;
            best_literals = literals;
        }
    }
    if (result.route == nullptr) return result;
    result.allowed.clear();
    request.path_params.clear();
    const auto& segments = result.route->segments;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (!is_param(segments[i])) continue;
        auto value = percent_decode(parts[i]);
        if (!value) throw kernel::Problem::bad_request("the path has a malformed percent escape");
        request.path_params.emplace(segments[i].substr(1, segments[i].size() - 2), std::move(*value));
    }
    return result;
}

std::vector<std::string> Router::methods_for(std::string_view path) const {
    const auto parts = split_path(path);
    std::vector<std::string> methods;
    for (const auto& route : routes_) {
        if (matches(route, parts) && std::find(methods.begin(), methods.end(), route.method) == methods.end()) {
            methods.push_back(route.method);
        }
    }
    return methods;
}

}  // namespace mercato::http
