// A write transaction's additions to the analytics rollups, summed in memory and written once per row before COMMIT.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "kernel/transaction_hooks.hpp"
#include "modules/analytics/api/analytics.hpp"

namespace mercato::analytics {

// A batch of events all add to the same few rows (today's sales, today's funnel step): written
// event by event, each row was updated once per event in one transaction, and on PostgreSQL every
// such update adds a row version the next one must step over. Summed here, each row is written
// once per transaction, in key order, so concurrent writers take their row locks in one order.
class RollupTotals final : public kernel::PendingWrites {
public:
    // The totals of the calling thread's write transaction (made on first use).
    static RollupTotals& of_transaction();

    // One more subject reached step on day; answers: the feature flags' answers it had.
    void add_step(const std::string& day, const std::string& step, const FeatureAnswers& answers, std::int64_t count = 1);
    void add_sales(const std::string& day, const std::string& currency, std::int64_t orders, std::int64_t revenue, std::int64_t refunds);
    void add_product_sales(const std::string& day, const std::string& product_id, const std::string& currency, const std::string& name,
                           std::int64_t units, std::int64_t revenue);
    void add_customers(const std::string& day, std::int64_t new_customers, std::int64_t returning_customers);

    void flush(soci::session& session) override;
    void discard() override;

private:
    struct Sales {
        std::int64_t orders = 0, revenue = 0, refunds = 0;
    };
    struct ProductSales {
        std::string name;  // the latest seen, as the row keeps it
        std::int64_t units = 0, revenue = 0;
    };
    struct Customers {
        std::int64_t fresh = 0, returning = 0;
    };
    std::map<std::pair<std::string, std::string>, std::int64_t> steps_;   // (day, step)
    std::map<std::array<std::string, 4>, std::int64_t> variants_;         // (day, step, flag, answer)
    std::map<std::pair<std::string, std::string>, Sales> sales_;          // (day, currency)
    std::map<std::array<std::string, 3>, ProductSales> products_;         // (day, product, currency)
    std::map<std::string, Customers> customers_;                          // day
};

}  // namespace mercato::analytics
