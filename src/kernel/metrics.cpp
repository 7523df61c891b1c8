#include "kernel/metrics.hpp"

#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

namespace mercato::kernel {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double value) noexcept {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

double Histogram::sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

std::string render_labels(const Labels& labels) {
    if (labels.empty()) return {};
    std::string out = "{";
    for (const auto& [key, value] : labels) {
        if (out.size() > 1) out += ',';
        out += key;
        out += "=\"";
        for (char c : value) {
            if (c == '\\' || c == '"') out += '\\';
            if (c == '\n') {
                out += "\\n";
                continue;
            }
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::vector<double> MetricsRegistry::default_latency_bounds() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help, const char* type) {
    auto [it, inserted] = families_.try_emplace(name);
    if (inserted) {
        it->second.help = help;
        it->second.type = type;
    } else if (it->second.type != type) {
        throw std::logic_error(fmt::format("metric {} registered as {} and {}", name, it->second.type, type));
    }
    return it->second;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    const std::string key = render_labels(labels);
    {
        std::shared_lock lock(mutex_);
        if (auto f = families_.find(name); f != families_.end()) {
            if (auto c = f->second.counters.find(key); c != f->second.counters.end()) return *c->second;
        }
    }
    std::unique_lock lock(mutex_);
    auto& slot = family(name, help, "counter").counters[key];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                                      std::vector<double> bounds) {
    const std::string key = render_labels(labels);
    {
        std::shared_lock lock(mutex_);
        if (auto f = families_.find(name); f != families_.end()) {
            if (auto h = f->second.histograms.find(key); h != f->second.histograms.end()) return *h->second;
        }
    }
    std::unique_lock lock(mutex_);
    auto& slot = family(name, help, "histogram").histograms[key];
    if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
    return *slot;
}

void MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels,
                            std::function<double()> read) {
    std::unique_lock lock(mutex_);
    family(name, help, "gauge").gauges[render_labels(labels)] = std::move(read);
}

namespace {
// Adds le="..." to a rendered label set.
std::string with_le(const std::string& labels, const std::string& le) {
    if (labels.empty()) return fmt::format("{{le=\"{}\"}}", le);
    return fmt::format("{},le=\"{}\"}}", labels.substr(0, labels.size() - 1), le);
}
}  // namespace

std::string MetricsRegistry::render() const {
    std::shared_lock lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
        std::string help;
        for (char c : f.help) help += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
        fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, f.type);
        for (const auto& [labels, c] : f.counters) fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, labels, c->value());
        for (const auto& [labels, read] : f.gauges) fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, labels, read());
        for (const auto& [labels, h] : f.histograms) {
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < h->bounds().size(); ++i) {
                cumulative += h->bucket(i);
                fmt::format_to(std::back_inserter(out), "{}_bucket{} {}\n", name, with_le(labels, fmt::format("{}", h->bounds()[i])), cumulative);
            }
            cumulative += h->bucket(h->bounds().size());
            fmt::format_to(std::back_inserter(out), "{}_bucket{} {}\n", name, with_le(labels, "+Inf"), cumulative);
            fmt::format_to(std::back_inserter(out), "{}_sum{} {}\n{}_count{} {}\n", name, labels, h->sum(), name, labels, cumulative);
        }
    }
    return out;
}

}  // namespace mercato::kernel
