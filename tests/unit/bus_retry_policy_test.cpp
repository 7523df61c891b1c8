// Tests kernel/bus/retry_policy.hpp: exponential backoff, its cap and jitter, and when to give up.
#include "kernel/bus/retry_policy.hpp"

#include <doctest/doctest.h>

using mercato::kernel::bus::RetryPolicy;
using std::chrono::milliseconds;

TEST_CASE("the wait doubles with each failed attempt, from the initial wait") {
    const RetryPolicy policy{8, milliseconds(200), milliseconds(30'000)};
    CHECK(policy.delay_after(1, 1.0) == milliseconds(200));
    CHECK(policy.delay_after(2, 1.0) == milliseconds(400));
    CHECK(policy.delay_after(3, 1.0) == milliseconds(800));
    CHECK(policy.delay_after(6, 1.0) == milliseconds(6'400));
}

TEST_CASE("the wait never exceeds the maximum, however many attempts failed") {
    const RetryPolicy policy{100, milliseconds(200), milliseconds(30'000)};
    CHECK(policy.delay_after(9, 1.0) == milliseconds(30'000));
    CHECK(policy.delay_after(100, 1.0) == milliseconds(30'000));
}

TEST_CASE("jitter scales the wait to between half and all of it, and is clamped to that range") {
    const RetryPolicy policy{8, milliseconds(200), milliseconds(30'000)};
    CHECK(policy.delay_after(2, 0.5) == milliseconds(200));
    CHECK(policy.delay_after(2, 0.75) == milliseconds(300));
    CHECK(policy.delay_after(2, 0.1) == milliseconds(200));
    CHECK(policy.delay_after(2, 7.0) == milliseconds(400));
}

TEST_CASE("an event is given up once it has failed max_attempts times") {
    const RetryPolicy policy{3, milliseconds(10), milliseconds(100)};
    CHECK_FALSE(policy.exhausted(1));
    CHECK_FALSE(policy.exhausted(2));
    CHECK(policy.exhausted(3));
}
