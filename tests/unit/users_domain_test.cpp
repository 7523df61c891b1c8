// Tests the users module's domain rules: email normalisation and the sign-in throttle's counting and memory bound.
#include <doctest/doctest.h>

#include "modules/users/domain/email.hpp"
#include "modules/users/domain/login_throttle.hpp"

using mercato::users::LoginThrottle;
using mercato::users::normalize_email;

TEST_CASE("emails are trimmed and lower-cased") {
    CHECK(normalize_email("  Ann.Smith@Example.COM \n") == "ann.smith@example.com");
}

TEST_CASE("strings that cannot be an address are refused") {
    for (const char* bad : {"", "   ", "ann", "@example.com", "ann@", "ann@@example.com", "ann@example", "ann@.com",
                            "ann@example.", "an n@example.com", "ann@exa\tmple.com"}) {
        INFO(bad);
        CHECK_FALSE(normalize_email(bad));
    }
    CHECK_FALSE(normalize_email(std::string(250, 'a') + "@example.com"));
}

TEST_CASE("a subject is refused after the limit of failures, until the window from the first failure ends") {
    LoginThrottle throttle(3, std::chrono::seconds(60), 100);
    const auto t0 = LoginThrottle::Clock::now();
    for (int i = 0; i < 2; ++i) throttle.failed("account:ann", t0);
    CHECK_FALSE(throttle.refused_for("account:ann", t0));
    throttle.failed("account:ann", t0 + std::chrono::seconds(10));
    CHECK(throttle.refused_for("account:ann", t0 + std::chrono::seconds(10)) == 50);
    CHECK_FALSE(throttle.refused_for("account:bob", t0));
    CHECK_FALSE(throttle.refused_for("account:ann", t0 + std::chrono::seconds(60)));
}

TEST_CASE("forgetting a subject clears its failures") {
    LoginThrottle throttle(1, std::chrono::seconds(60), 100);
    const auto t0 = LoginThrottle::Clock::now();
    throttle.failed("account:ann", t0);
    CHECK(throttle.refused_for("account:ann", t0));
    throttle.forget("account:ann");
    CHECK_FALSE(throttle.refused_for("account:ann", t0));
}

TEST_CASE("a flood of distinct subjects keeps memory bounded, dropping the least recently seen") {
    LoginThrottle throttle(1, std::chrono::seconds(60), 1000);
    const auto t0 = LoginThrottle::Clock::now();
    throttle.failed("account:target", t0);
    for (int i = 0; i < 50'000; ++i) throttle.failed("account:flood" + std::to_string(i), t0);
    CHECK(throttle.size() == 1000);
    CHECK_FALSE(throttle.refused_for("account:target", t0));  // forgotten, as the oldest
    CHECK(throttle.refused_for("account:flood49999", t0));
}
