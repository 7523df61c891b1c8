// Process metrics (counters, gauges, histograms with labels) rendered in the Prometheus text format.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace mercato::kernel {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double value) noexcept;

    const std::vector<double>& bounds() const noexcept { return bounds_; }
    std::uint64_t bucket(std::size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
    std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
    double sum() const noexcept;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // not cumulative; render() adds them up
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0.0};
};

class MetricsRegistry {
public:
    // The returned references stay valid for the registry's lifetime, so hot paths look up once.
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                         std::vector<double> bounds = default_latency_bounds());
    // A gauge read at scrape time (pool sizes, lag).
    void gauge(const std::string& name, const std::string& help, const Labels& labels, std::function<double()> read);

    std::string render() const;

    static std::vector<double> default_latency_bounds();

private:
    struct Family {
        std::string help;
        std::string type;
        std::map<std::string, std::unique_ptr<Counter>> counters;  // keyed by rendered label set
        std::map<std::string, std::unique_ptr<Histogram>> histograms;
        std::map<std::string, std::function<double()>> gauges;
    };
    Family& family(const std::string& name, const std::string& help, const char* type);

    mutable std::shared_mutex mutex_;
    std::map<std::string, Family> families_;
};

// {a="1",b="2"} with values escaped, or "" for no labels.
std::string render_labels(const Labels& labels);

}  // namespace mercato::kernel
