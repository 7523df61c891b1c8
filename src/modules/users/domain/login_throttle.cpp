#include "modules/users/domain/login_throttle.hpp"

namespace mercato::users {

LoginThrottle::LoginThrottle(std::size_t limit, std::chrono::seconds window, std::size_t max_subjects)
    : limit_(limit), window_(window), max_subjects_(max_subjects) {}

std::optional<std::int64_t> LoginThrottle::refused_for(const std::string& subject, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(subject);
    if (it == entries_.end() || it->second.failures < limit_) return std::nullopt;
    const auto until = it->second.first + window_;
    if (now >= until) return std::nullopt;
    return std::chrono::ceil<std::chrono::seconds>(until - now).count();
}

void LoginThrottle::failed(const std::string& subject, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(subject);
    if (it == entries_.end()) {
        if (entries_.size() >= max_subjects_) {
            entries_.erase(recency_.back());
            recency_.pop_back();
        }
        recency_.push_front(subject);
        it = entries_.emplace(subject, Entry{0, now, recency_.begin()}).first;
    } else {
        recency_.splice(recency_.begin(), recency_, it->second.recency);
    }
    Entry& entry = it->second;
    if (now >= entry.first + window_) entry = Entry{0, now, entry.recency};  // a new window
    ++entry.failures;
}

void LoginThrottle::forget(const std::string& subject) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(subject);
    if (it == entries_.end()) return;
    recency_.erase(it->second.recency);
    entries_.erase(it);
}

std::size_t LoginThrottle::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace mercato::users
