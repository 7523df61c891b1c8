// SQL over the analytics rollups: per-day counters added to as events arrive, and the sums the
// reports read from them (never from raw events).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace mercato::analytics {

void add_funnel(soci::session& session, const std::string& day, const std::string& step, std::int64_t count);
// Adds to the funnel of the subjects whom feature (a flag) answered answer, kept beside the whole funnel.
void add_funnel_variant(soci::session& session, const std::string& day, const std::string& step, const std::string& feature,
                        const std::string& answer, std::int64_t count);
void add_sales(soci::session& session, const std::string& day, const std::string& currency, std::int64_t orders,
               std::int64_t revenue, std::int64_t refunds);
void add_product_sales(soci::session& session, const std::string& day, const std::string& product_id, const std::string& currency,
                       const std::string& name, std::int64_t units, std::int64_t revenue);
// Records the customer's first paid day; true when this is it (a new customer).
bool first_purchase(soci::session& session, const std::string& user_id, const std::string& day);
void add_customers(soci::session& session, const std::string& day, std::int64_t new_customers, std::int64_t returning_customers);

struct SalesDay {
    std::string day;
    std::int64_t orders = 0;
    std::int64_t revenue = 0;  // paid orders' totals
    std::int64_t refunds = 0;
};
struct ProductSales {
    std::string product_id;
    std::string name;
    std::int64_t units = 0;
    std::int64_t revenue = 0;
};
struct CustomerDay {
    std::string day;
    std::int64_t new_customers = 0;
    std::int64_t returning_customers = 0;
};

// The currency with most paid orders from..to, if any.
std::optional<std::string> busiest_currency(soci::session& session, const std::string& from, const std::string& to);
std::vector<SalesDay> sales_days(soci::session& session, const std::string& currency, const std::string& from, const std::string& to);
// Best sellers by units, then revenue.
std::vector<ProductSales> top_products(soci::session& session, const std::string& currency, const std::string& from,
                                       const std::string& to, std::size_t limit);
std::map<std::string, std::int64_t> funnel_counts(soci::session& session, const std::string& from, const std::string& to);
// Step counts by the feature's answer: answer -> step -> count.
std::map<std::string, std::map<std::string, std::int64_t>> funnel_variant_counts(soci::session& session, const std::string& feature,
                                                                                 const std::string& from, const std::string& to);
std::vector<CustomerDay> customer_days(soci::session& session, const std::string& from, const std::string& to);

}  // namespace mercato::analytics
