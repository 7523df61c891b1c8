#include "modules/analytics/domain/report_range.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "kernel/problem.hpp"

namespace mercato::analytics {

namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

bool digits(std::string_view s) {
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

int number(std::string_view s) {
    int n = 0;
    for (char c : s) n = n * 10 + (c - '0');
    return n;
}

bool date_shaped(std::string_view s) {
    return s.size() == 10 && s[4] == '-' && s[7] == '-' && digits(s.substr(0, 4)) && digits(s.substr(5, 2)) &&
           digits(s.substr(8, 2));
}

// The date s names, or nullopt when s is not YYYY-MM-DD or names no day (2026-02-30, 2026-13-01).
std::optional<year_month_day> calendar_date(std::string_view s) {
    if (!date_shaped(s)) return std::nullopt;
    const year_month_day date{std::chrono::year{number(s.substr(0, 4))},
                              std::chrono::month{static_cast<unsigned>(number(s.substr(5, 2)))},
                              std::chrono::day{static_cast<unsigned>(number(s.substr(8, 2)))}};
    if (!date.ok()) return std::nullopt;
    return date;
}

year_month_day date_or_throw(std::string_view s) {
    const auto date = calendar_date(s);
    if (!date) throw std::invalid_argument(fmt::format("not a calendar date YYYY-MM-DD: \"{}\"", s));
    return *date;
}

std::string format_date(year_month_day date) {
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                       static_cast<unsigned>(date.day()));
}

// The date of one query parameter, or nullopt after recording what is wrong with it.
std::optional<year_month_day> field_date(const char* field, const std::optional<std::string>& value,
                                         std::vector<kernel::FieldError>& errors) {
    if (!value || value->empty()) {
        errors.push_back({field, "is required, as a date YYYY-MM-DD"});
        return std::nullopt;
    }
    if (!date_shaped(*value)) {
        errors.push_back({field, "must be a date YYYY-MM-DD"});
        return std::nullopt;
    }
    const auto date = calendar_date(*value);
    if (!date) errors.push_back({field, fmt::format("{} is not a day of the calendar", *value)});
    return date;
}

}  // namespace

DateRange parse_range(const std::optional<std::string>& from, const std::optional<std::string>& to, int max_days) {
    std::vector<kernel::FieldError> errors;
    const auto first = field_date("from", from, errors);
    const auto last = field_date("to", to, errors);
    if (first && last) {
        const auto span = (sys_days{*last} - sys_days{*first}).count() + 1;
        if (span < 1) {
            errors.push_back({"from", "must be on or before to"});
        } else if (span > max_days) {
            errors.push_back({"to", fmt::format("makes a range of {} days; at most {} are allowed, both ends included", span,
                                                max_days)});
        }
    }
    kernel::check_fields(std::move(errors));
    return {*from, *to};
}

std::vector<std::string> days_of(const DateRange& range) {
    const sys_days first{date_or_throw(range.from)};
    const sys_days last{date_or_throw(range.to)};
    std::vector<std::string> out;
    for (auto d = first; d <= last; d += std::chrono::days{1}) out.push_back(format_date(year_month_day{d}));
    return out;
}

std::string day_of(std::string_view timestamp) {
    const bool utc = timestamp.size() > 11 && (timestamp[10] == 'T' || timestamp[10] == 't') &&
                     (timestamp.back() == 'Z' || timestamp.back() == 'z');
    if (!utc || !calendar_date(timestamp.substr(0, 10))) {
        throw std::invalid_argument(fmt::format("not an RFC 3339 UTC timestamp: \"{}\"", timestamp));
    }
    return std::string(timestamp.substr(0, 10));
}

}  // namespace mercato::analytics
