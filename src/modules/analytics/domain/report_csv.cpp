#include "modules/analytics/domain/report_csv.hpp"

#include <array>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mercato::analytics {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Sign, digits, optional fraction and exponent: what a spreadsheet reads as a number, so it needs no guard.
bool plain_number(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const auto run = [&] {
        const auto start = i;
        while (i < s.size() && is_digit(s[i])) ++i;
        return i > start;
    };
    if (!run()) return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!run()) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        if (!run()) return false;
    }
    return i == s.size();
}

// Tab and CR are in OWASP's list of formula triggers alongside the four operators.
bool formula_like(std::string_view s) {
    return !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos && !plain_number(s);
}

void append_field(std::string& out, std::string_view field) {
    const std::string_view guard = formula_like(field) ? "'" : "";
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(guard).append(field);
        return;
    }
    out.append("\"").append(guard);
    for (char c : field) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void append_line(std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_field(out, fields[i]);
    }
    out.append("\r\n");
}

struct ReportShape {
    std::string_view type;
    const char* rows;
    std::vector<std::string> columns;
};

const std::array<ReportShape, 4>& shapes() {
    static const std::array<ReportShape, 4> all{{
        {"sales", "by_day", {"date", "orders", "revenue", "refunds", "currency"}},
        {"top_products", "items", {"product_id", "name", "units", "revenue", "currency"}},
        {"funnel", "steps", {"name", "count", "conversion"}},
        {"customers", "by_day", {"date", "new_customers", "returning_customers"}},
    }};
    return all;
}

std::string cell(const nlohmann::json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

// A report may state its currency once for all rows rather than on each.
const nlohmann::json& field(const nlohmann::json& row, const nlohmann::json& report, const std::string& column) {
    static const nlohmann::json null_value;
    if (const auto it = row.find(column); it != row.end()) return *it;
    if (column == "currency") {
        if (const auto it = report.find(column); it != report.end()) return *it;
    }
    return null_value;
}

}  // namespace

std::string csv_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::string out;
    append_line(out, header);
    for (const auto& row : rows) append_line(out, row);
    return out;
}

std::string report_csv(const std::string& type, const nlohmann::json& report) {
    if (const auto variants = report.find("by_variant"); type == "funnel" && variants != report.end()) {
        std::vector<std::vector<std::string>> table;
        for (const auto& variant : *variants) {
            for (const auto& step : variant.at("steps")) {
                table.push_back({cell(variant.at("variant")), cell(step.at("name")), cell(step.at("count")), cell(step.at("conversion"))});
            }
        }
        return csv_table({"variant", "name", "count", "conversion"}, table);
    }
    for (const auto& shape : shapes()) {
        if (shape.type != type) continue;
        const auto rows = report.find(shape.rows);
        if (rows == report.end() || !rows->is_array()) {
            throw std::invalid_argument(type + " report has no \"" + shape.rows + "\" array");
        }
        std::vector<std::vector<std::string>> table;
        for (const auto& row : *rows) {
            auto& line = table.emplace_back();
            for (const auto& column : shape.columns) line.push_back(cell(field(row, report, column)));
        }
        return csv_table(shape.columns, table);
    }
    throw std::invalid_argument("no CSV form for report type \"" + type + "\"");
}

}  // namespace mercato::analytics
