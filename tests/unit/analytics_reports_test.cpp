// The analytics module's report rules without a database: the date range a report covers and its CSV form.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernel/problem.hpp"
#include "modules/analytics/domain/report_csv.hpp"
#include "modules/analytics/domain/report_range.hpp"

using mercato::analytics::csv_table;
using mercato::analytics::DateRange;
using mercato::analytics::day_of;
using mercato::analytics::days_of;
using mercato::analytics::parse_range;
using mercato::analytics::report_csv;
using mercato::kernel::Problem;
using nlohmann::json;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// The fields a 422 names, in order; fails the test when the call throws nothing or another status.
std::vector<std::string> refused_fields(const std::function<void()>& call) {
    try {
        call();
    } catch (const Problem& p) {
        CHECK(p.status() == 422);
        std::vector<std::string> fields;
        for (const auto& e : p.errors()) fields.push_back(e.field);
        return fields;
    }
    FAIL("no Problem thrown");
    return {};
}

std::vector<std::string> refused_fields(const char* from, const char* to) {
    return refused_fields([&] { parse_range(std::string(from), std::string(to)); });
}

// The message a 422 gives its only field error.
std::string refusal_message(const char* from, const char* to) {
    try {
        parse_range(std::string(from), std::string(to));
    } catch (const Problem& p) {
        REQUIRE(p.errors().size() == 1);
        return p.errors().front().message;
    }
    FAIL("no Problem thrown");
    return {};
}

// RFC 4180 read back independently of the writer: quoted fields with doubled quotes, CRLF after every line.
Rows split_csv(std::string_view text) {
    Rows rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool next_is = i + 1 < text.size();
        if (quoted) {
            if (c != '"') {
                field.push_back(c);
            } else if (next_is && text[i + 1] == '"') {
                field.push_back('"');
                ++i;
            } else {
                quoted = false;
            }
        } else if (c == '"') {
            REQUIRE(field.empty());
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::exchange(field, {}));
        } else if (c == '\r' && next_is && text[i + 1] == '\n') {
            row.push_back(std::exchange(field, {}));
            rows.push_back(std::exchange(row, {}));
            ++i;
        } else {
            REQUIRE(c != '\r');
            REQUIRE(c != '\n');
            field.push_back(c);
        }
    }
    REQUIRE_FALSE(quoted);
    REQUIRE(row.empty());
    REQUIRE(field.empty());
    return rows;
}

}  // namespace

TEST_CASE("parse_range accepts two calendar dates in order and keeps them") {
    const auto range = parse_range(std::string("2026-12-01"), std::string("2026-12-31"));
    CHECK(range.from == "2026-12-01");
    CHECK(range.to == "2026-12-31");
    const auto one_day = parse_range(std::string("2024-02-29"), std::string("2024-02-29"));
    CHECK(one_day.from == "2024-02-29");
    CHECK(one_day.to == "2024-02-29");
}

TEST_CASE("parse_range refuses dates not written YYYY-MM-DD, naming the field") {
    for (const char* bad : {"2026-1-01", "20261201", "2026/12/01", "2026-12-01T00:00:00Z", "26-12-01", "yesterday",
                            "2026-12-1 ", "+026-12-01"}) {
        CAPTURE(bad);
        CHECK(refused_fields(bad, "2026-12-31") == std::vector<std::string>{"from"});
        CHECK(refused_fields("2026-12-01", bad) == std::vector<std::string>{"to"});
    }
    CHECK(refusal_message("2026-1-01", "2026-12-31") == "must be a date YYYY-MM-DD");
}

TEST_CASE("parse_range refuses 2026-02-30 and other days the calendar lacks") {
    CHECK(refused_fields("2026-02-30", "2026-03-01") == std::vector<std::string>{"from"});
    CHECK(refused_fields("2026-02-01", "2026-02-29") == std::vector<std::string>{"to"});
    CHECK(refused_fields("2026-13-01", "2026-04-31") == std::vector<std::string>{"from", "to"});
    CHECK(refused_fields("2026-00-10", "2026-01-00") == std::vector<std::string>{"from", "to"});
    CHECK(refusal_message("2026-02-30", "2026-03-01") == "2026-02-30 is not a day of the calendar");
}

TEST_CASE("parse_range refuses from after to, naming from") {
    CHECK(refused_fields("2026-12-02", "2026-12-01") == std::vector<std::string>{"from"});
    CHECK(refusal_message("2026-12-02", "2026-12-01") == "must be on or before to");
}

TEST_CASE("parse_range allows 366 days both included and refuses one more, naming to") {
    CHECK_NOTHROW(parse_range(std::string("2024-01-01"), std::string("2024-12-31")));
    CHECK(refused_fields("2024-01-01", "2025-01-01") == std::vector<std::string>{"to"});
    CHECK(refusal_message("2024-01-01", "2025-01-01") == "makes a range of 367 days; at most 366 are allowed, both ends included");
    CHECK_NOTHROW(parse_range(std::string("2026-12-01"), std::string("2026-12-07"), 7));
    CHECK(refused_fields([] { parse_range(std::string("2026-12-01"), std::string("2026-12-08"), 7); }) ==
          std::vector<std::string>{"to"});
}

TEST_CASE("parse_range refuses a missing or empty from or to, naming each") {
    CHECK(refused_fields([] { parse_range(std::nullopt, std::string("2026-12-01")); }) == std::vector<std::string>{"from"});
    CHECK(refused_fields([] { parse_range(std::string("2026-12-01"), std::nullopt); }) == std::vector<std::string>{"to"});
    CHECK(refused_fields([] { parse_range(std::nullopt, std::nullopt); }) == std::vector<std::string>{"from", "to"});
    CHECK(refused_fields("", "2026-12-01") == std::vector<std::string>{"from"});
    CHECK(refusal_message("", "2026-12-01") == "is required, as a date YYYY-MM-DD");
}

TEST_CASE("days_of lists every day inclusive across a month end, a year end and a leap day") {
    CHECK(days_of({"2026-01-30", "2026-02-02"}) ==
          std::vector<std::string>{"2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"});
    CHECK(days_of({"2024-02-28", "2024-03-01"}) == std::vector<std::string>{"2024-02-28", "2024-02-29", "2024-03-01"});
    CHECK(days_of({"2026-02-28", "2026-03-01"}) == std::vector<std::string>{"2026-02-28", "2026-03-01"});
    CHECK(days_of({"2025-12-31", "2026-01-01"}) == std::vector<std::string>{"2025-12-31", "2026-01-01"});
    CHECK(days_of({"2026-12-01", "2026-12-01"}) == std::vector<std::string>{"2026-12-01"});
    CHECK(days_of({"2024-01-01", "2024-12-31"}).size() == 366);
}

TEST_CASE("days_of is empty when from is after to and throws for a date that is none") {
    CHECK(days_of({"2026-12-02", "2026-12-01"}).empty());
    CHECK_THROWS_AS(days_of({"2026-02-30", "2026-03-01"}), std::invalid_argument);
    CHECK_THROWS_AS(days_of({"2026-12-01", "tomorrow"}), std::invalid_argument);
}

TEST_CASE("day_of takes the UTC day of an RFC 3339 UTC timestamp") {
    CHECK(day_of("2026-12-01T21:27:34.123Z") == "2026-12-01");
    CHECK(day_of("2024-02-29T00:00:00Z") == "2024-02-29");
    CHECK(day_of("2026-12-31t23:59:59.999z") == "2026-12-31");
}

TEST_CASE("day_of refuses what is not a UTC timestamp rather than guess a day") {
    for (const char* bad : {"", "2026-12-01", "2026-12-01T", "2026-12-01T23:30:00+02:00", "2026-12-01 21:27:34Z",
                            "2026-02-30T00:00:00Z", "2026-1-01T00:00:00Z", "not a timestamp at all Z"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(day_of(bad), std::invalid_argument);
    }
}

TEST_CASE("csv_table writes a header and rows with CRLF and quotes commas, quotes and newlines") {
    const auto csv = csv_table({"a", "b"}, {{"x,y", "say \"hi\""}, {"line1\nline2", "plain"}, {"cr\rhere", ""}});
    CHECK(csv == "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"line1\nline2\",plain\r\n\"cr\rhere\",\r\n");
    CHECK(csv_table({"only"}, {}) == "only\r\n");
}

TEST_CASE("csv_table neutralises formulas but keeps plain numbers") {
    const auto csv = csv_table({"v"}, {{"=cmd|' /C calc'!A0"},
                                       {"+1+2"},
                                       {"-2+3"},
                                       {"@SUM(A1)"},
                                       {"\tx"},
                                       {"=1,2"},
                                       {"-"},
                                       {"-5"},
                                       {"12.50"},
                                       {"-0.25"},
                                       {"+7"},
                                       {"1e-05"},
                                       {"a=b"}});
    CHECK(split_csv(csv) == Rows{{"v"},
                                 {"'=cmd|' /C calc'!A0"},
                                 {"'+1+2"},
                                 {"'-2+3"},
                                 {"'@SUM(A1)"},
                                 {"'\tx"},
                                 {"'=1,2"},
                                 {"'-"},
                                 {"-5"},
                                 {"12.50"},
                                 {"-0.25"},
                                 {"+7"},
                                 {"1e-05"},
                                 {"a=b"}});
    CHECK(csv.find("\"'=1,2\"\r\n") != std::string::npos);
}

TEST_CASE("report_csv writes the sales days, with the report's currency for a row without one") {
    const json report = {{"orders", 3},
                         {"revenue", 4500},
                         {"currency", "EUR"},
                         {"by_day",
                          {{{"date", "2026-12-01"}, {"orders", 2}, {"revenue", 2500}, {"refunds", 500}, {"currency", "EUR"}},
                           {{"date", "2026-12-02"}, {"orders", 0}, {"revenue", 0}, {"refunds", 0}},
                           {{"date", "2026-12-03"}, {"orders", 1}, {"revenue", -500}, {"refunds", 2000}, {"currency", "EUR"}}}}};
    CHECK(split_csv(report_csv("sales", report)) == Rows{{"date", "orders", "revenue", "refunds", "currency"},
                                                         {"2026-12-01", "2", "2500", "500", "EUR"},
                                                         {"2026-12-02", "0", "0", "0", "EUR"},
                                                         {"2026-12-03", "1", "-500", "2000", "EUR"}});
}

TEST_CASE("report_csv writes the top products, names with commas and quotes intact and formulas neutralised") {
    const json report = {{"items",
                          {{{"product_id", "prd_01"}, {"name", "Mug, \"large\""}, {"units", 12}, {"revenue", 14400},
                            {"currency", "EUR"}},
                           {{"product_id", "prd_02"}, {"name", "=HYPERLINK(\"http://x\")"}, {"units", 1}, {"revenue", 999},
                            {"currency", "EUR"}}}}};
    CHECK(split_csv(report_csv("top_products", report)) ==
          Rows{{"product_id", "name", "units", "revenue", "currency"},
               {"prd_01", "Mug, \"large\"", "12", "14400", "EUR"},
               {"prd_02", "'=HYPERLINK(\"http://x\")", "1", "999", "EUR"}});
}

TEST_CASE("report_csv writes the funnel steps, a null conversion as an empty cell and others as decimals") {
    const json report = {{"steps",
                          {{{"name", "product_view"}, {"count", 100}, {"conversion", nullptr}},
                           {{"name", "add_to_cart"}, {"count", 25}, {"conversion", 0.25}},
                           {{"name", "checkout"}, {"count", 10}, {"conversion", 0.4}},
                           {{"name", "purchase"}, {"count", 10}, {"conversion", 1.0}}}}};
    CHECK(split_csv(report_csv("funnel", report)) == Rows{{"name", "count", "conversion"},
                                                          {"product_view", "100", ""},
                                                          {"add_to_cart", "25", "0.25"},
                                                          {"checkout", "10", "0.4"},
                                                          {"purchase", "10", "1.0"}});
}

TEST_CASE("report_csv writes the customers days") {
    const json report = {{"by_day",
                          {{{"date", "2026-12-01"}, {"new_customers", 4}, {"returning_customers", 7}},
                           {{"date", "2026-12-02"}, {"new_customers", 0}, {"returning_customers", 0}}}}};
    CHECK(split_csv(report_csv("customers", report)) == Rows{{"date", "new_customers", "returning_customers"},
                                                             {"2026-12-01", "4", "7"},
                                                             {"2026-12-02", "0", "0"}});
}

TEST_CASE("report_csv of a report without rows is its header alone") {
    CHECK(report_csv("funnel", json{{"steps", json::array()}}) == "name,count,conversion\r\n");
}

TEST_CASE("report_csv refuses an unknown type and a report without its rows") {
    CHECK_THROWS_AS(report_csv("cohorts", json{{"by_day", json::array()}}), std::invalid_argument);
    CHECK_THROWS_AS(report_csv("sales", json{{"items", json::array()}}), std::invalid_argument);
    CHECK_THROWS_AS(report_csv("sales", json{{"by_day", "none"}}), std::invalid_argument);
}
