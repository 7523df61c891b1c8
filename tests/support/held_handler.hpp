// A test route's handler that says when it is running and holds until the test lets it go, so a test
// knows a request is in flight from the handler itself instead of sleeping and hoping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace mercato::test {

class HeldHandler {
public:
    // In the handler: marks it running, then holds until release(), or until limit so a failing test cannot hang.
    void hold(std::chrono::milliseconds limit = std::chrono::seconds(60)) {
        std::unique_lock lock(mutex_);
        arrived_ = true;
        changed_.notify_all();
        changed_.wait_for(lock, limit, [this] { return released_; });
        finished_ = true;
    }

    // Waits until a handler is running; returns whether one arrived within the timeout.
    bool arrived(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [this] { return arrived_; });
    }

    void release() {
        std::lock_guard lock(mutex_);
        released_ = true;
        changed_.notify_all();
    }

    // Whether the handler has stopped holding (released, or out of patience).
    bool finished() {
        std::lock_guard lock(mutex_);
        return finished_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool arrived_ = false;
    bool released_ = false;
    bool finished_ = false;
};

}  // namespace mercato::test
