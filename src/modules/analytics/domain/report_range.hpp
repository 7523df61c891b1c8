// The days a report covers: the ?from=&to= range checked and spelled out day by day, and the day of a timestamp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::analytics {

// YYYY-MM-DD, both inclusive, UTC.
struct DateRange {
    std::string from;
    std::string to;
};

// The range of ?from=&to=: each a calendar date YYYY-MM-DD, from <= to, at most max_days days counting both ends.
// Throws kernel::Problem 422 naming "from" and/or "to" otherwise; an empty value counts as missing.
DateRange parse_range(const std::optional<std::string>& from, const std::optional<std::string>& to, int max_days = 366);

// Every date from..to inclusive, in order, so days without activity can be reported as zeros.
// Throws std::invalid_argument when either end is not a calendar date; empty when from is after to.
std::vector<std::string> days_of(const DateRange& range);

// The UTC day (YYYY-MM-DD) of an RFC 3339 UTC timestamp such as "2026-12-01T21:27:34.123Z".
// Throws std::invalid_argument for anything else, an offset other than Z included, whose first 10 characters
// would name a local day rather than the UTC one.
std::string day_of(std::string_view timestamp);

}  // namespace mercato::analytics
