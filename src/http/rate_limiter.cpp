#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace mercato::http {

namespace {

constexpr std::size_t kMaxShards = 16;

// A zero or near-zero rate would otherwise ask clients to wait longer than a duration can hold.
constexpr double kMaxRetryAfterSec = 24.0 * 60 * 60;

}  // namespace

RateLimiter::RateLimiter(std::size_t max_entries)
    // Never more shards than entries, so every shard can hold a bucket and the total stays exact.
    : shard_count_(std::min(kMaxShards, max_entries)) {
    if (max_entries == 0) throw std::invalid_argument("RateLimiter needs room for at least one bucket");
    shards_ = std::make_unique<Shard[]>(shard_count_);
    for (std::size_t i = 0; i < shard_count_; ++i)
        shards_[i].capacity = max_entries / shard_count_ + (i < max_entries % shard_count_ ? 1 : 0);
}

RateLimiter::Shard& RateLimiter::shard_for(std::string_view key) {
    return shards_[std::hash<std::string_view>{}(key) % shard_count_];
}

RateDecision RateLimiter::take(std::string_view key, const BucketPolicy& policy,
                               std::chrono::steady_clock::time_point now) {
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);

    Bucket* bucket;
    if (auto found = shard.index.find(key); found != shard.index.end()) {
        shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
        bucket = &*found->second;
        // Callers read the clock before taking the lock, so a racing request may arrive with an
        // older time; moving `refilled` backwards would credit the same interval twice.
        if (now > bucket->refilled) {
            const std::chrono::duration<double> elapsed = now - bucket->refilled;
            bucket->tokens =
                std::min(policy.burst, bucket->tokens + elapsed.count() * policy.rate_per_sec);
            bucket->refilled = now;
        }
    } else {
        if (shard.lru.size() >= shard.capacity) {
            shard.index.erase(shard.lru.back().key);
            shard.lru.pop_back();
        }
        shard.lru.push_front(Bucket{std::string(key), policy.burst, now});
        bucket = &shard.lru.front();
        shard.index.emplace(bucket->key, shard.lru.begin());
    }

    if (bucket->tokens >= 1.0) {
        bucket->tokens -= 1.0;
        return {true, std::chrono::seconds{0}};
    }
    const double wait = std::ceil((1.0 - bucket->tokens) / policy.rate_per_sec);
    return {false, std::chrono::seconds{static_cast<long long>(std::clamp(wait, 1.0, kMaxRetryAfterSec))}};
}

std::size_t RateLimiter::size() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
        std::lock_guard lock(shards_[i].mutex);
        total += shards_[i].lru.size();
    }
    return total;
}

}  // namespace mercato::http
