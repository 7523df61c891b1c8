// Reports as CSV for spreadsheets: RFC 4180 text that a spreadsheet opens without running any cell as a formula.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mercato::analytics {

// RFC 4180: a header line, then one line per row, each ended by CRLF; a field is quoted when it holds a comma,
// quote, CR or LF (quotes doubled). A field starting with =, +, -, @, tab or CR gets a leading ' so a spreadsheet
// shows it as text instead of running it (CSV injection), unless it is a plain number such as "-5" or "12.50".
std::string csv_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// A report's JSON, as the module answers it, as CSV:
//   sales:        by_day  -> date,orders,revenue (net of refunds),refunds,currency
//   top_products: items   -> product_id,name,units,revenue,currency
//   funnel:       steps   -> name,count,conversion (from the step before); split by a feature flag,
//                 by_variant -> variant,name,count,conversion
//   customers:    by_day  -> date,new_customers,returning_customers
// Numbers are written as JSON writes them, null and absent fields as empty cells; a row without a currency takes the
// report's. Throws std::invalid_argument for another type or a report without its rows array.
std::string report_csv(const std::string& type, const nlohmann::json& report);

}  // namespace mercato::analytics
