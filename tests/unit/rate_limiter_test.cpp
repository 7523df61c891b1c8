#include "http/rate_limiter.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

using mercato::http::BucketPolicy;
using mercato::http::RateLimiter;
using namespace std::chrono_literals;

namespace {
const auto t0 = std::chrono::steady_clock::time_point{} + 1000h;
}

TEST_CASE("a new key may spend its burst, then is refused with Retry-After until the next token") {
    RateLimiter limiter(100);
    const BucketPolicy policy{0.25, 2};  // one token every 4 s

    for (int i = 0; i < 2; ++i) {
        const auto d = limiter.take("auth|203.0.113.7", policy, t0);
        CHECK(d.allowed);
        CHECK(d.retry_after == 0s);
    }
    const auto refused = limiter.take("auth|203.0.113.7", policy, t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == 4s);

    const auto later = limiter.take("auth|203.0.113.7", policy, t0 + 1s);
    CHECK_FALSE(later.allowed);
    CHECK(later.retry_after == 3s);
}

TEST_CASE("a refusal never asks the client to wait less than one second") {
    RateLimiter limiter(100);
    const BucketPolicy policy{50, 1};

    CHECK(limiter.take("k", policy, t0).allowed);
    const auto refused = limiter.take("k", policy, t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == 1s);
}

TEST_CASE("tokens refill at the policy rate and never beyond the burst") {
    RateLimiter limiter(100);
    const BucketPolicy policy{2, 4};

    for (int i = 0; i < 4; ++i) REQUIRE(limiter.take("k", policy, t0).allowed);
    REQUIRE_FALSE(limiter.take("k", policy, t0).allowed);

    CHECK(limiter.take("k", policy, t0 + 500ms).allowed);
    CHECK_FALSE(limiter.take("k", policy, t0 + 500ms).allowed);

    const auto much_later = t0 + 1h;
    for (int i = 0; i < 4; ++i) CHECK(limiter.take("k", policy, much_later).allowed);
    CHECK_FALSE(limiter.take("k", policy, much_later).allowed);
}

TEST_CASE("a request stamped earlier than the last one is not credited the same interval twice") {
    RateLimiter limiter(100);
    const BucketPolicy policy{1, 1};

    REQUIRE(limiter.take("k", policy, t0).allowed);
    REQUIRE(limiter.take("k", policy, t0 + 1s).allowed);
    REQUIRE_FALSE(limiter.take("k", policy, t0).allowed);
    CHECK_FALSE(limiter.take("k", policy, t0 + 1s).allowed);
}

TEST_CASE("keys have independent buckets") {
    RateLimiter limiter(100);
    const BucketPolicy policy{0.001, 1};

    REQUIRE(limiter.take("auth|203.0.113.7", policy, t0).allowed);
    REQUIRE_FALSE(limiter.take("auth|203.0.113.7", policy, t0).allowed);

    CHECK(limiter.take("auth|203.0.113.8", policy, t0).allowed);
    CHECK(limiter.take("write|203.0.113.7", policy, t0).allowed);
    CHECK(limiter.size() == 3);
}

TEST_CASE("a limiter must have room for at least one bucket") {
    CHECK_THROWS_AS(RateLimiter(0), std::invalid_argument);
}

TEST_CASE("a flood of distinct keys never holds more than max_entries buckets and keeps busy keys") {
    constexpr std::size_t max_entries = 1000;
    RateLimiter limiter(max_entries);
    const BucketPolicy policy{1e-9, 1};

    REQUIRE(limiter.take("auth|victim", policy, t0).allowed);
    REQUIRE(limiter.take("auth|hot", policy, t0).allowed);

    std::string key;
    for (int i = 0; i < 1'000'000; ++i) {
        key = "auth|client-" + std::to_string(i);
        REQUIRE(limiter.take(key, policy, t0).allowed);
        if (i % 100 == 0) {
            // Still refused: had the busy key been evicted, it would come back with a full bucket.
            REQUIRE_FALSE(limiter.take("auth|hot", policy, t0).allowed);
        }
        if (i % 10'000 == 0) REQUIRE(limiter.size() <= max_entries);
    }

    CHECK(limiter.size() <= max_entries);
    CHECK_FALSE(limiter.take(key, policy, t0).allowed);
    CHECK(limiter.take("auth|victim", policy, t0).allowed);  // evicted long ago, so starts afresh
}

TEST_CASE("concurrent takes on one key never allow more than the burst") {
    RateLimiter limiter(100);
    const BucketPolicy policy{1e-9, 1000};
    std::atomic<int> allowed{0};

    const auto hammer = [&] {
        for (int i = 0; i < 1000; ++i)
            if (limiter.take("write|usr_01H", policy, t0).allowed) ++allowed;
    };
    std::thread a(hammer);
    std::thread b(hammer);
    a.join();
    b.join();

    CHECK(allowed == 1000);
}
