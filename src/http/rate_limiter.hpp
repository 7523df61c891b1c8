// Token-bucket request rate limiting per client key, bounded in memory and safe to share across threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mercato::http {

struct BucketPolicy {
    double rate_per_sec;
    double burst;
};

struct RateDecision {
    bool allowed;
    std::chrono::seconds retry_after;  // >= 1s when refused, 0 when allowed
};

class RateLimiter {
public:
    // At most max_entries buckets are held; the least recently used ones are forgotten first.
    explicit RateLimiter(std::size_t max_entries);

    RateDecision take(std::string_view key, const BucketPolicy& policy,
                      std::chrono::steady_clock::time_point now);

    std::size_t size() const;

private:
    struct Bucket {
        std::string key;
        double tokens;
        std::chrono::steady_clock::time_point refilled;
    };

    // Separate locks keep concurrent requests for different clients from serialising on one mutex.
    struct Shard {
        mutable std::mutex mutex;
        std::size_t capacity = 0;
        std::list<Bucket> lru;  // most recently used first
        // Keys view the string owned by the list node, which never moves, so lookups need no allocation.
        std::unordered_map<std::string_view, std::list<Bucket>::iterator> index;
    };

    Shard& shard_for(std::string_view key);

    std::size_t shard_count_;
    std::unique_ptr<Shard[]> shards_;
};

}  // namespace mercato::http
