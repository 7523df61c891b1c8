// Per-request metrics (count by route template, method and status; latency by route) with the
// registry lookups cached, since they would otherwise format label strings on every request.
#pragma once

#include <chrono>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "http/router.hpp"
#include "kernel/metrics.hpp"

namespace mercato::http {

class RequestMetrics {
public:
    explicit RequestMetrics(kernel::MetricsRegistry& registry) : registry_(registry) {}

    // route is null for requests no route matched.
    void record(const Route* route, const std::string& method, int status, std::chrono::steady_clock::duration elapsed);

private:
    struct Key {
        const Route* route;
        std::string method;
        int status;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Entry {
        kernel::Counter* requests;
        kernel::Histogram* latency;
    };
    Entry entry_for(const Key& key);

    kernel::MetricsRegistry& registry_;
    std::shared_mutex mutex_;
    std::unordered_map<Key, Entry, KeyHash> entries_;
};

}  // namespace mercato::http
