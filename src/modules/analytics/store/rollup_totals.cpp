#include "modules/analytics/store/rollup_totals.hpp"

#include "modules/analytics/store/rollup_store.hpp"

namespace mercato::analytics {

RollupTotals& RollupTotals::of_transaction() {
    return static_cast<RollupTotals&>(kernel::pending_writes("analytics.rollups", [] { return std::make_unique<RollupTotals>(); }));
}

void RollupTotals::add_step(const std::string& day, const std::string& step, const FeatureAnswers& answers, std::int64_t count) {
    steps_[{day, step}] += count;
    for (const auto& [flag, answer] : answers) variants_[{day, step, flag, answer}] += count;
}

void RollupTotals::add_sales(const std::string& day, const std::string& currency, std::int64_t orders, std::int64_t revenue,
                             std::int64_t refunds) {
    auto& s = sales_[{day, currency}];
    s.orders += orders;
    s.revenue += revenue;
    s.refunds += refunds;
}

void RollupTotals::add_product_sales(const std::string& day, const std::string& product_id, const std::string& currency,
                                     const std::string& name, std::int64_t units, std::int64_t revenue) {
    auto& p = products_[{day, product_id, currency}];
    p.name = name;
    p.units += units;
    p.revenue += revenue;
}

void RollupTotals::add_customers(const std::string& day, std::int64_t new_customers, std::int64_t returning_customers) {
    auto& c = customers_[day];
    c.fresh += new_customers;
    c.returning += returning_customers;
}

void RollupTotals::flush(soci::session& session) {
    for (const auto& [key, count] : steps_) add_funnel(session, key.first, key.second, count);
    for (const auto& [key, count] : variants_) add_funnel_variant(session, key[0], key[1], key[2], key[3], count);
    for (const auto& [key, s] : sales_) analytics::add_sales(session, key.first, key.second, s.orders, s.revenue, s.refunds);
    for (const auto& [key, p] : products_) analytics::add_product_sales(session, key[0], key[1], key[2], p.name, p.units, p.revenue);
    for (const auto& [day, c] : customers_) analytics::add_customers(session, day, c.fresh, c.returning);
    discard();
}

void RollupTotals::discard() {
    steps_.clear();
    variants_.clear();
    sales_.clear();
    products_.clear();
    customers_.clear();
}

}  // namespace mercato::analytics
