// Counts failed sign-ins per account and per client address, refusing more after too many, in bounded memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace mercato::users {

class LoginThrottle {
public:
    using Clock = std::chrono::steady_clock;

    // After `limit` failures within `window` of the first, a subject is refused until that window ends.
    // At most `max_subjects` are remembered; the least recently seen go first, so a flood of
    // distinct emails costs bounded memory (and at worst forgets some counts).
    LoginThrottle(std::size_t limit = 10, std::chrono::seconds window = std::chrono::minutes(15),
                  std::size_t max_subjects = 100'000);

    // Seconds until the subject may try again, or nullopt when it may now.
    std::optional<std::int64_t> refused_for(const std::string& subject, Clock::time_point now);
    void failed(const std::string& subject, Clock::time_point now);
    void forget(const std::string& subject);
    std::size_t size() const;

private:
    struct Entry {
        std::size_t failures = 0;
        Clock::time_point first;
        std::list<std::string>::iterator recency;
    };

    const std::size_t limit_;
    const std::chrono::seconds window_;
    const std::size_t max_subjects_;
    mutable std::mutex mutex_;
    std::list<std::string> recency_;  // most recent first
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mercato::users
