#include "http/request_metrics.hpp"

#include <functional>
#include <mutex>

namespace mercato::http {

std::size_t RequestMetrics::KeyHash::operator()(const Key& k) const noexcept {
    const std::size_t h = std::hash<const void*>{}(k.route) ^ (std::hash<std::string>{}(k.method) * 31);
    return h ^ (static_cast<std::size_t>(k.status) * 1000003);
}

RequestMetrics::Entry RequestMetrics::entry_for(const Key& key) {
    {
        std::shared_lock lock(mutex_);
        if (auto it = entries_.find(key); it != entries_.end()) return it->second;
    }
    const std::string route = key.route != nullptr ? key.route->pattern : "unmatched";
    Entry entry{
        &registry_.counter("mercato_http_requests_total", "HTTP requests by route template, method and status",
                           {{"route", route}, {"method", key.method}, {"status", std::to_string(key.status)}}),
        &registry_.histogram("mercato_http_request_duration_seconds", "HTTP request latency by route template",
                             {{"route", route}}),
    };
    std::unique_lock lock(mutex_);
    return entries_.try_emplace(key, entry).first->second;
}

namespace {
// Clients choose the method; labelling by anything they send would let them grow the series forever.
std::string method_label(const std::string& method) {
    for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
        if (method == known) return method;
    }
    return "OTHER";
}
}  // namespace

void RequestMetrics::record(const Route* route, const std::string& method, int status,
                            std::chrono::steady_clock::duration elapsed) {
    const Entry entry = entry_for({route, method_label(method), status});
    entry.requests->inc();
    entry.latency->observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace mercato::http
