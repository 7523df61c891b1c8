#include "http/pipeline.hpp"

#include <algorithm>

#include <arpa/inet.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/gzip.hpp"
#include "kernel/bus/trace_context.hpp"
#include "kernel/ids.hpp"
#include "kernel/logging.hpp"
#include "kernel/problem.hpp"

namespace mercato::http {

namespace {

const char* class_name(RouteClass c) {
    switch (c) {
        case RouteClass::auth: return "auth";
        case RouteClass::write: return "write";
        case RouteClass::read: return "read";
        case RouteClass::ops: return "ops";
    }
    return "read";
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += ", ";
        out += p;
    }
    return out;
}

bool compressible(std::string_view content_type) {
    return content_type.starts_with("application/json") || content_type.starts_with("application/problem+json") ||
           content_type.starts_with("text/");
}

}  // namespace

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
    const auto trusted = [&](std::string_view address) {
        return std::find(trusted_proxies.begin(), trusted_proxies.end(), address) != trusted_proxies.end();
    };
    if (!trusted(peer) || forwarded_for.empty()) return std::string(peer);
    // Walk from the right: each trusted hop appended the address it saw; the first untrusted one is the client.
    while (!forwarded_for.empty()) {
        const auto comma = forwarded_for.rfind(',');
        std::string_view hop = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
        forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
        while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
        while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
        if (!hop.empty() && !trusted(hop)) return std::string(hop);
    }
    return std::string(peer);
}

std::string rate_limit_subject(std::string_view address) {
    in6_addr v6{};
    const std::string text(address);
    if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1 || IN6_IS_ADDR_V4MAPPED(&v6)) return text;
    // One IPv6 subscriber usually holds a whole /64: a bucket per address would let them rotate past it.
    return fmt::format("{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}::/64", v6.s6_addr[0], v6.s6_addr[1],
                       v6.s6_addr[2], v6.s6_addr[3], v6.s6_addr[4], v6.s6_addr[5], v6.s6_addr[6], v6.s6_addr[7]);
}

std::string choose_request_id(std::string_view client_value) {
    const bool sane = !client_value.empty() && client_value.size() <= 128 &&
                      std::all_of(client_value.begin(), client_value.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    return sane ? std::string(client_value) : kernel::new_id("req");
}

Pipeline::Pipeline(const kernel::Config& config, const Router& router, kernel::MetricsRegistry& metrics)
    : config_(config), features_(config.features), router_(router), metrics_(metrics), limiter_(std::max<std::size_t>(config.rate_limit_max_clients, 1)) {}

std::optional<Response> Pipeline::before(Request& request, std::string_view target, const Route*& route,
                                         std::chrono::steady_clock::time_point now) {
    route = nullptr;
    request.request_id = choose_request_id(request.header("x-request-id"));
    request.client_address = client_address(request.client_address, request.header("x-forwarded-for"), config_.trusted_proxies);
    try {
        request.set_target(target);
    } catch (const kernel::Problem& p) {
        return Response::problem(p);
    }
    if (auto answer = preflight(request)) return answer;

    if (authenticate_) {
        const std::string_view authorization = request.header("authorization");
        if (authorization.size() > 7 && authorization.substr(0, 7) == "Bearer ") {
            request.principal = authenticate_(authorization.substr(7));
        }
    }
    request.set_features(features_);
    if (request.principal) request.feature_subject = request.principal->user_id;

    RouteMatch match;
    try {
        match = router_.match(request.method, request.path, request);
    } catch (const kernel::Problem& p) {
        return Response::problem(p);
    }
    if (match.route == nullptr) {
        if (!match.allowed.empty()) {
            Response r = Response::problem(kernel::Problem(
                405, kernel::status_title(405),
                fmt::format("{} is not allowed here; allowed: {}", request.method, join(match.allowed))));
            r.set_header("Allow", join(match.allowed));
            return r;
        }
        return Response::problem(kernel::Problem::not_found(fmt::format("no route for {}", request.path)));
    }
    route = match.route;  // set even when throttled, so metrics and the log name the route
    return throttle(request, match.route->rate_class, now);
}

std::optional<Response> Pipeline::preflight(const Request& request) const {
    if (request.method != "OPTIONS") return std::nullopt;
    auto methods = router_.methods_for(request.path);
    if (methods.empty()) {
        return Response::problem(kernel::Problem::not_found(fmt::format("no route for {}", request.path)));
    }
    methods.push_back("OPTIONS");
    Response r = Response::no_content();
    r.set_header("Allow", join(methods));
    if (!request.header("access-control-request-method").empty()) {
        r.set_header("Access-Control-Allow-Methods", join(methods));
        r.set_header("Access-Control-Allow-Headers",
                     "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id");
        r.set_header("Access-Control-Max-Age", "600");
    }
    return r;
}

std::optional<Response> Pipeline::throttle(const Request& request, RouteClass rate_class,
                                           std::chrono::steady_clock::time_point now) {
    if (!config_.rate_limit_enabled || rate_class == RouteClass::ops) return std::nullopt;
    const auto policy_it = config_.rate_limits.find(class_name(rate_class));
    if (policy_it == config_.rate_limits.end()) return std::nullopt;
    const BucketPolicy policy{policy_it->second.rate_per_sec, policy_it->second.burst};
    // A signed-in user has a bucket of their own as well, so many users behind one NAT address
    // are limited by the address bucket only when they flood together.
    RateDecision decision =
        limiter_.take(fmt::format("{}|ip|{}", class_name(rate_class), rate_limit_subject(request.client_address)), policy, now);
    if (decision.allowed && request.principal) {
        decision = limiter_.take(fmt::format("{}|user|{}", class_name(rate_class), request.principal->user_id), policy, now);
    }
    if (decision.allowed) return std::nullopt;
    Response r = Response::problem(kernel::Problem::too_many_requests(
        fmt::format("too many {} requests; retry in {} s", class_name(rate_class), decision.retry_after.count())));
    r.set_header("Retry-After", std::to_string(decision.retry_after.count()));
    return r;
}

Response Pipeline::invoke(const Route& route, Request& request) noexcept {
    kernel::RequestIdScope scope(request.request_id);
    // Events the handler publishes continue the caller's W3C trace, when it sent one.
    kernel::bus::TraceScope trace(request.header("traceparent"));
    try {
        return route.handler(request);
    } catch (const kernel::Problem& p) {
        return Response::problem(p);
    } catch (const std::exception& e) {
        spdlog::error("{} {} failed: {}", request.method, route.pattern, e.what());
    } catch (...) {
        spdlog::error("{} {} failed with a non-standard exception", request.method, route.pattern);
    }
    return Response::problem(kernel::Problem(500, kernel::status_title(500),
                                             "an internal error occurred; quote the request id when reporting it"));
}

void Pipeline::apply_cors(const Request& request, Response& response) const {
    if (config_.cors_origins.empty()) return;
    const bool any = std::find(config_.cors_origins.begin(), config_.cors_origins.end(), "*") != config_.cors_origins.end();
    // The answer depends on Origin unless every origin is allowed; caches must know, whatever this one was.
    if (!any) response.set_header("Vary", "Origin");
    const std::string_view origin = request.header("origin");
    if (origin.empty()) return;
    const bool listed = std::find(config_.cors_origins.begin(), config_.cors_origins.end(), origin) != config_.cors_origins.end();
    if (!any && !listed) return;
    response.set_header("Access-Control-Allow-Origin", any ? "*" : std::string(origin));
    response.set_header("Access-Control-Expose-Headers", "ETag, Location, Mercato-Features, Retry-After, X-Request-Id");
}

void Pipeline::after(const Request& request, Response& response, const Route* route,
                     std::chrono::steady_clock::duration elapsed) {
    response.set_header("X-Request-Id", request.request_id);
    // The client learns its cohort (a storefront renders the new checkout when told "new_checkout:on").
    const std::string features = request.features_summary();
    if (!features.empty()) response.set_header("Mercato-Features", features);
    apply_cors(request, response);
    if (response.body.size() >= config_.gzip_min_bytes && compressible(response.content_type) &&
        accepts_gzip(request.header("accept-encoding"))) {
        response.body = gzip_compress(response.body);
        response.set_header("Content-Encoding", "gzip");
        response.set_header("Vary", "Accept-Encoding");
    }

    metrics_.record(route, request.method, response.status, elapsed);

    kernel::RequestIdScope scope(request.request_id);
    kernel::FeaturesLogScope features_scope(features);
    spdlog::info("{} {} {} {}B {:.2f}ms {}{}{}", request.method, request.path, response.status, response.body.size(),
                 std::chrono::duration<double, std::milli>(elapsed).count(), request.client_address,
                 features.empty() ? "" : " features=", features);
}

}  // namespace mercato::http
