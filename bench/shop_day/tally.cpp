// Adds up the customers' tallies and prints exact percentiles over every sample.
#include "tally.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace shop_day {

namespace {

// Nearest rank: the smallest sample with at least p of all samples at or below it.
double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::max<std::size_t>(rank, 1) - 1] / 1000.0;
}

}  // namespace

void Tally::add(const Tally& other) {
    for (std::size_t i = 0; i < op_count; ++i) {
        micros[i].insert(micros[i].end(), other.micros[i].begin(), other.micros[i].end());
        errors[i] += other.errors[i];
    }
    for (std::size_t g = 0; g < group_count; ++g) operations[g] += other.operations[g];
}

void print_report(Tally& tally, double seconds) {
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    for (std::size_t i = 0; i < op_count; ++i) {
        auto& samples = tally.micros[i];
        std::sort(samples.begin(), samples.end());
        fmt::print("op={} group={} expected={} requests={} p50_ms={:.3f} p99_ms={:.3f} errors={}\n", ops[i].name,
                   group_names[static_cast<std::size_t>(ops[i].group)], ops[i].expected_status, samples.size(),
                   percentile_ms(samples, 0.50), percentile_ms(samples, 0.99), tally.errors[i]);
        requests += samples.size();
        errors += tally.errors[i];
    }
    fmt::print("total requests={} operations={} seconds={:.3f} requests_per_s={:.1f} errors={}\n", requests,
               std::accumulate(tally.operations.begin(), tally.operations.end(), std::uint64_t{0}), seconds,
               seconds > 0 ? requests / seconds : 0.0, errors);
    fmt::print("mix");
    for (std::size_t g = 0; g < group_count; ++g) fmt::print(" {}={}", group_names[g], tally.operations[g]);
    fmt::print("\n");
}

}  // namespace shop_day
