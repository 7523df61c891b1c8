// Timestamps are RFC 3339 in UTC with milliseconds, whatever the host's time zone.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "kernel/clock.hpp"

using mercato::kernel::format_rfc3339;
using std::chrono::milliseconds;
using std::chrono::system_clock;

TEST_CASE("timestamps are UTC with milliseconds even when the host runs in another time zone") {
    const char* old_tz = std::getenv("TZ");
    const std::string saved = old_tz != nullptr ? old_tz : "";
    ::setenv("TZ", "America/New_York", 1);
    ::tzset();
    CHECK(format_rfc3339(system_clock::time_point(milliseconds(0))) == "1970-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(system_clock::time_point(milliseconds(1'700'000'000'123))) == "2023-11-14T22:13:20.123Z");
    CHECK(format_rfc3339(system_clock::time_point(milliseconds(1'700'000'000'007))) == "2023-11-14T22:13:20.007Z");
    if (old_tz != nullptr) {
        ::setenv("TZ", saved.c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();
}
