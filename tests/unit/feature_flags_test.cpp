#include "kernel/feature_flags.hpp"

#include <doctest/doctest.h>

#include <array>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

using mercato::kernel::FeatureFlags;

namespace {

FeatureFlags one_flag(const std::string& flag, int percent) {
    return FeatureFlags({{flag, percent}});
}

std::string subject(int i) { return "usr_" + std::to_string(i); }

}  // namespace

TEST_CASE("a flag at 0% is off for everyone") {
    const FeatureFlags flags = one_flag("checkout", 0);
    for (int i = 0; i < 1'000; ++i) CHECK_FALSE(flags.enabled("checkout", subject(i)));
    CHECK_FALSE(flags.enabled("checkout"));
}

TEST_CASE("a flag at 100% is on for everyone, anonymous subjects included") {
    const FeatureFlags flags = one_flag("checkout", 100);
    for (int i = 0; i < 1'000; ++i) CHECK(flags.enabled("checkout", subject(i)));
    CHECK(flags.enabled("checkout"));
}

TEST_CASE("an unknown flag is off") {
    CHECK_FALSE(FeatureFlags{}.enabled("checkout", "usr_1"));
    CHECK_FALSE(one_flag("checkout", 100).enabled("search", "usr_1"));
}

TEST_CASE("a partial rollout is off for an empty subject") {
    CHECK_FALSE(one_flag("checkout", 99).enabled("checkout"));
}

TEST_CASE("a percentage outside 0-100 is refused") {
    CHECK_THROWS_AS(one_flag("checkout", 101), std::invalid_argument);
    CHECK_THROWS_AS(one_flag("checkout", -1), std::invalid_argument);
}

TEST_CASE("the same subject always gets the same answer") {
    const FeatureFlags flags = one_flag("checkout", 50);
    const FeatureFlags restarted = one_flag("checkout", 50);
    int enabled = 0;
    for (int i = 0; i < 1'000; ++i) {
        const bool first = flags.enabled("checkout", subject(i));
        CHECK(flags.enabled("checkout", subject(i)) == first);
        CHECK(restarted.enabled("checkout", subject(i)) == first);
        enabled += first ? 1 : 0;
    }
    CHECK(enabled > 0);
    CHECK(enabled < 1'000);
}

TEST_CASE("the bucket is SHA-256 of flag:subject, first 8 bytes big-endian, mod 100") {
    // Bucket 83 was computed independently (Python hashlib) for "checkout:alice".
    CHECK_FALSE(one_flag("checkout", 83).enabled("checkout", "alice"));
    CHECK(one_flag("checkout", 84).enabled("checkout", "alice"));
    // Bucket 62 for "checkout:bob".
    CHECK_FALSE(one_flag("checkout", 62).enabled("checkout", "bob"));
    CHECK(one_flag("checkout", 63).enabled("checkout", "bob"));
}

TEST_CASE("a 25% rollout enables about a quarter of subjects") {
    const FeatureFlags flags = one_flag("new-search", 25);
    int enabled = 0;
    for (int i = 0; i < 10'000; ++i) enabled += flags.enabled("new-search", subject(i)) ? 1 : 0;
    CHECK(enabled >= 2'200);
    CHECK(enabled <= 2'800);
}

TEST_CASE("raising a rollout percentage keeps every subject already enabled") {
    const FeatureFlags at10 = one_flag("checkout", 10);
    const FeatureFlags at30 = one_flag("checkout", 30);
    for (int i = 0; i < 2'000; ++i) {
        if (at10.enabled("checkout", subject(i))) CHECK(at30.enabled("checkout", subject(i)));
    }
}

TEST_CASE("two flags at the same percentage reach different subjects") {
    const FeatureFlags flags({{"checkout", 50}, {"search", 50}});
    int disagreements = 0;
    for (int i = 0; i < 1'000; ++i) {
        if (flags.enabled("checkout", subject(i)) != flags.enabled("search", subject(i))) {
            ++disagreements;
        }
    }
    CHECK(disagreements > 400);
    CHECK(disagreements < 600);
}

TEST_CASE("parse_rule reads on, off and percentages") {
    CHECK(FeatureFlags::parse_rule("on") == 100);
    CHECK(FeatureFlags::parse_rule("true") == 100);
    CHECK(FeatureFlags::parse_rule("off") == 0);
    CHECK(FeatureFlags::parse_rule("false") == 0);
    CHECK(FeatureFlags::parse_rule("0%") == 0);
    CHECK(FeatureFlags::parse_rule("25%") == 25);
    CHECK(FeatureFlags::parse_rule("100%") == 100);
}

TEST_CASE("parse_rule refuses anything else") {
    for (std::string_view text : {"", "%", "25", "101%", "-5%", "+5%", "2.5%", " 25%", "25% ",
                                  "25%%", "1000%", "ON", "yes", "enabled"}) {
        CAPTURE(text);
        CHECK(FeatureFlags::parse_rule(text) == std::nullopt);
    }
}

TEST_CASE("a subject keeps its variant") {
    const FeatureFlags flags = one_flag("button-colour", 100);
    const std::array<std::string_view, 3> arms{"blue", "green", "red"};
    for (int i = 0; i < 500; ++i) {
        CHECK(flags.variant("button-colour", subject(i), arms) ==
              flags.variant("button-colour", subject(i), arms));
    }
}

TEST_CASE("every arm gets subjects when the experiment is on") {
    const FeatureFlags flags = one_flag("button-colour", 100);
    const std::array<std::string_view, 3> arms{"blue", "green", "red"};
    std::map<std::string_view, int> count;
    for (int i = 0; i < 3'000; ++i) ++count[flags.variant("button-colour", subject(i), arms)];
    REQUIRE(count.size() == arms.size());
    for (const auto& [arm, n] : count) {
        CAPTURE(arm);
        CHECK(n > 800);
    }
}

TEST_CASE("subjects outside the rollout get the control arm") {
    const std::array<std::string_view, 2> arms{"control", "treatment"};
    const FeatureFlags off = one_flag("button-colour", 0);
    const FeatureFlags half = one_flag("button-colour", 50);
    std::set<std::string_view> seen_when_enabled;
    for (int i = 0; i < 1'000; ++i) {
        CHECK(off.variant("button-colour", subject(i), arms) == "control");
        const auto arm = half.variant("button-colour", subject(i), arms);
        if (half.enabled("button-colour", subject(i))) {
            seen_when_enabled.insert(arm);
        } else {
            CHECK(arm == "control");
        }
    }
    CHECK(seen_when_enabled.size() == 2);
    CHECK(FeatureFlags{}.variant("unknown", "usr_1", arms) == "control");
}

TEST_CASE("a small rollout still spreads its subjects over every arm") {
    // At 1% every enabled subject shares bucket 0; the arm must not follow from that.
    const FeatureFlags flags = one_flag("button-colour", 1);
    const std::array<std::string_view, 2> arms{"control", "treatment"};
    std::map<std::string_view, int> count;
    for (int i = 0; i < 20'000; ++i) {
        if (flags.enabled("button-colour", subject(i))) {
            ++count[flags.variant("button-colour", subject(i), arms)];
        }
    }
    CHECK(count["control"] > 50);
    CHECK(count["treatment"] > 50);
}

TEST_CASE("a variant needs at least one arm") {
    CHECK_THROWS_AS(one_flag("button-colour", 100).variant("button-colour", "usr_1", {}),
                    std::invalid_argument);
}
