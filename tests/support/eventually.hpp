// The suite's one way to wait for what another thread or process does: poll a condition until it holds.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace mercato::test {

// Polls condition every interval until it holds or timeout passes; returns whether it held. A passing test
// returns as soon as the condition holds, so the timeout only bounds a failing one and can be generous
// enough for a loaded machine.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(20),
                       std::chrono::milliseconds interval = std::chrono::milliseconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(interval);
    }
    return condition();
}

}  // namespace mercato::test
