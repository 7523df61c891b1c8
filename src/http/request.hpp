// An HTTP request as modules see it: no Beast, just strings, parsed parameters and lazy JSON.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mercato::kernel {
class FeatureFlags;
}

namespace mercato::http {

// Who is calling, as the authenticator resolved it from a bearer token.
struct Principal {
    std::string user_id;
    std::string role;
};

// Resolves a bearer token to a principal, or nullopt when the token is not valid. It must not
// block (it runs on the I/O thread): verifying a signed token is fine, a database lookup is not.
using Authenticator = std::function<std::optional<Principal>(std::string_view bearer_token)>;

class Request {
public:
    std::string method;  // upper case, e.g. "GET"
    std::string path;    // the target before '?', still percent-encoded
    std::string body;
    std::string client_address;
    std::string request_id;
    std::vector<std::pair<std::string, std::string>> headers;     // names lower-cased
    std::vector<std::pair<std::string, std::string>> query;       // decoded, in order
    std::map<std::string, std::string, std::less<>> path_params;  // decoded
    std::optional<Principal> principal;
    // Whom feature flags answer for: the signed-in user (the pipeline sets it). A handler that knows a
    // stable anonymous id (an analytics session) may set it; with none, a partial rollout stays off.
    std::string feature_subject;

    // The first header with that (case-insensitive) name, or "".
    std::string_view header(std::string_view name) const;
    std::optional<std::string_view> query_param(std::string_view name) const;
    // A {name} segment of the matched route; "" when the route has none of that name.
    std::string_view path_param(std::string_view name) const;

    // The body as JSON, parsed once. Problem 400 when it is not JSON, 415 when the
    // Content-Type says it is something else.
    const nlohmann::json& json() const;

    // Splits "/a/b?x=1&y=%20" into path and decoded query pairs.
    void set_target(std::string_view target);

    // The shop's [features], for modules deciding per request; none configured until the pipeline sets them.
    const kernel::FeatureFlags& features() const;
    void set_features(const kernel::FeatureFlags& features) { features_ = &features; }
    // The flag's answer for feature_subject, recorded ("on"/"off") when the configuration names the flag.
    bool feature_enabled(std::string_view flag);
    // The subject's arm of an experiment (FeatureFlags::variant), recorded likewise.
    std::string_view variant(std::string_view flag, std::span<const std::string_view> arms);
    // What this request was answered, flag and value in the order first asked: the access log,
    // the Mercato-Features header and analytics events carry them.
    const std::vector<std::pair<std::string, std::string>>& features_seen() const { return features_seen_; }
    // features_seen as "new_checkout:on,checkout_button:b"; "" when no configured flag was asked.
    std::string features_summary() const;

private:
    void record_feature(std::string_view flag, std::string_view value);

    mutable std::shared_ptr<const nlohmann::json> json_;
    const kernel::FeatureFlags* features_ = nullptr;
    std::vector<std::pair<std::string, std::string>> features_seen_;
};

// Decodes %XX escapes (and '+' as space when form is true); nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool form = false);

}  // namespace mercato::http
