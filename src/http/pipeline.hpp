// The request pipeline around a handler, free of Beast so it is testable in-process: request ids,
// authentication, feature flags, routing, rate limits, error rendering, CORS, compression, metrics and the access log.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "http/rate_limiter.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "kernel/config.hpp"
#include "kernel/feature_flags.hpp"
#include "kernel/metrics.hpp"

namespace mercato::http {

class Pipeline {
public:
    Pipeline(const kernel::Config& config, const Router& router, kernel::MetricsRegistry& metrics);

    void set_authenticator(Authenticator authenticate) { authenticate_ = std::move(authenticate); }

    // Runs the steps before the handler on a request whose method, headers, body and client address
    // are set. Returns the response when the request is answered here (bad target, CORS preflight,
    // unknown route, wrong verb, too many requests). route is set whenever one matched.
    std::optional<Response> before(Request& request, std::string_view target, const Route*& route,
                                   std::chrono::steady_clock::time_point now);

    // Calls the handler, turning a thrown Problem into problem+json and anything else into a logged 500.
    static Response invoke(const Route& route, Request& request) noexcept;

    // Runs the steps after the handler (or after an early answer): headers, compression, metrics, access log.
    void after(const Request& request, Response& response, const Route* route, std::chrono::steady_clock::duration elapsed);

private:
    std::optional<Response> preflight(const Request& request) const;
    std::optional<Response> throttle(const Request& request, RouteClass rate_class, std::chrono::steady_clock::time_point now);
    void apply_cors(const Request& request, Response& response) const;

    const kernel::Config& config_;
    const kernel::FeatureFlags features_;
    const Router& router_;
    RequestMetrics metrics_;
    RateLimiter limiter_;
    Authenticator authenticate_;
};

// Who the client is: the peer address, or behind a trusted proxy, the last untrusted X-Forwarded-For hop.
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

// What an address is rate limited as: itself for IPv4, its /64 for IPv6.
std::string rate_limit_subject(std::string_view address);

// The client's X-Request-Id when it is a sane token (printable, at most 128 characters), else a new id.
std::string choose_request_id(std::string_view client_value);

}  // namespace mercato::http
