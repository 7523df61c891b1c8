// Tests feature flags as handlers meet them on http::Request: answered for the request's subject,
// recorded for the access log, the Mercato-Features header and analytics (pipeline_test covers those).
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "kernel/feature_flags.hpp"

using mercato::http::Request;
using mercato::kernel::FeatureFlags;

namespace {

constexpr std::array<std::string_view, 2> button_arms{"blue", "green"};

// The first of usr_0, usr_1, ... whom the flag answers as asked.
std::string user_answered(const FeatureFlags& flags, std::string_view flag, bool on) {
    for (int i = 0;; ++i) {
        const std::string user = "usr_" + std::to_string(i);
        if (flags.enabled(flag, user) == on) return user;
    }
}

Request request_for(const FeatureFlags& flags, std::string subject) {
    Request request;
    request.set_features(flags);
    request.feature_subject = std::move(subject);
    return request;
}

}  // namespace

TEST_CASE("a request answers flags for its subject and records each configured flag once, in the order asked") {
    const FeatureFlags flags({{"new_checkout", 50}, {"button", 100}});
    const std::string on = user_answered(flags, "new_checkout", true);
    Request request = request_for(flags, on);
    CHECK(request.feature_enabled("new_checkout"));
    const std::string_view arm = request.variant("button", button_arms);
    CHECK(arm == flags.variant("button", on, button_arms));
    CHECK(request.feature_enabled("new_checkout"));
    REQUIRE(request.features_seen().size() == 2);
    CHECK(request.features_summary() == "new_checkout:on,button:" + std::string(arm));

    Request other = request_for(flags, user_answered(flags, "new_checkout", false));
    CHECK_FALSE(other.feature_enabled("new_checkout"));
    CHECK(other.features_summary() == "new_checkout:off");
}

TEST_CASE("a flag the configuration does not name is off and goes unrecorded") {
    const FeatureFlags flags({{"new_checkout", 100}});
    Request request = request_for(flags, "usr_1");
    CHECK_FALSE(request.feature_enabled("dark_mode"));
    CHECK(request.variant("button", button_arms) == "blue");
    CHECK(request.features_seen().empty());
    CHECK(request.features_summary().empty());
}

TEST_CASE("without a subject a partial rollout is off, and a full one on") {
    const FeatureFlags flags({{"new_checkout", 99}, {"dark_mode", 100}});
    Request request = request_for(flags, "");
    CHECK_FALSE(request.feature_enabled("new_checkout"));
    CHECK(request.feature_enabled("dark_mode"));
    CHECK(request.features_summary() == "new_checkout:off,dark_mode:on");
}

TEST_CASE("a request built outside the pipeline has no flags configured") {
    Request request;
    CHECK(request.features().flags().empty());
    CHECK_FALSE(request.feature_enabled("new_checkout"));
    CHECK(request.features_seen().empty());
}
