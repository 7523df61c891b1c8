// Tests kernel/bus/trace_context.hpp: W3C traceparent values continued across events, or started anew.
#include "kernel/bus/trace_context.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mercato::kernel::bus;

namespace {

constexpr const char* parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool well_formed(const std::string& t) {
    if (t.size() != 55 || t.substr(0, 3) != "00-" || t[35] != '-' || t[52] != '-' || t.substr(53) != "01") return false;
    return t.find_first_not_of("0123456789abcdef-") == std::string::npos;
}

}  // namespace

TEST_CASE("a valid parent's trace id is kept, with a span id of its own") {
    const std::string child = next_traceparent(parent);
    CHECK(well_formed(child));
    CHECK(child.substr(3, 32) == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(child.substr(36, 16) != "00f067aa0ba902b7");
}

TEST_CASE("a missing or malformed parent starts a new trace") {
    for (const std::string bad : {"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                                  "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                                  "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"}) {
        INFO(bad);
        const std::string fresh = next_traceparent(bad);
        CHECK(well_formed(fresh));
        CHECK(fresh.substr(3, 32) != "4bf92f3577b34da6a3ce929d0e0e4736");
    }
    CHECK(next_traceparent("").substr(3, 32) != next_traceparent("").substr(3, 32));
}

TEST_CASE("a trace scope sets the thread's current traceparent and restores the outer one") {
    CHECK(current_traceparent().empty());
    {
        TraceScope outer(parent);
        CHECK(current_traceparent() == parent);
        {
            const std::string inner_value = next_traceparent(parent);
            TraceScope inner(inner_value);
            CHECK(current_traceparent() == inner_value);
        }
        CHECK(current_traceparent() == parent);
    }
    CHECK(current_traceparent().empty());
}
