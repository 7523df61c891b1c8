// When a failed event is tried again: exponential backoff, capped, with jitter so the retries of
// many keys that failed together do not come back together.
#pragma once

#include <chrono>

namespace mercato::kernel::bus {

struct RetryPolicy {
    int max_attempts = 8;
    std::chrono::milliseconds initial{200};
    std::chrono::milliseconds max{30'000};

    // The wait after the given failed attempt (1 for the first failure): initial * 2^(attempt-1),
    // capped at max, then scaled by jitter in [0.5, 1] (the caller's random draw).
    std::chrono::milliseconds delay_after(int attempt, double jitter) const;
    // Whether an event that has failed this many times is given up and dead-lettered.
    bool exhausted(int attempts) const { return attempts >= max_attempts; }
};

}  // namespace mercato::kernel::bus
