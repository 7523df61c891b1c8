// What the shop-day load measured: every request's latency and every error, per kind of request.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "operations.hpp"

namespace shop_day {

struct Tally {
    std::array<std::vector<std::uint32_t>, op_count> micros;  // one latency per answer, errors included
    std::array<std::uint64_t, op_count> errors{};
    // Picks from the mix per group: a purchase is one, of two or three requests.
    std::array<std::uint64_t, group_count> operations{};

    void add(const Tally& other);
};

// Prints one line per kind of request and a total line, as NAME=VALUE fields for bench/shop_day.sh:
// "op=NAME group=G expected=STATUS requests=N p50_ms=X p99_ms=Y errors=E" and
// "total requests=N operations=N seconds=S requests_per_s=R errors=E" and the operations per group,
// "mix browsing=N search=N orders=N". Sorts the latencies.
void print_report(Tally& tally, double seconds);

}  // namespace shop_day
