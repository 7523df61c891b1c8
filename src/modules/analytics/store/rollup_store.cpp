#include "modules/analytics/store/rollup_store.hpp"

#include <soci/soci.h>

#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::analytics {

namespace {

using kernel::SqlQuery;

void between(SqlQuery& query, const std::string& from, const std::string& to) {
    query.sql("day >= ").value(from).sql(" AND day <= ").value(to);
}

}  // namespace

void add_funnel(soci::session& session, const std::string& day, const std::string& step, std::int64_t count) {
    SqlQuery upsert("INSERT INTO analytics.daily_funnel AS f (day, step, count) VALUES (");
    upsert.value(day).sql(", ").value(step).sql(", ").value(count);
    upsert.sql(") ON CONFLICT (day, step) DO UPDATE SET count = f.count + excluded.count");
    upsert.execute(session);
}

void add_funnel_variant(soci::session& session, const std::string& day, const std::string& step, const std::string& feature,
                        const std::string& answer, std::int64_t count) {
    SqlQuery upsert("INSERT INTO analytics.daily_funnel_variants AS f (day, feature, variant, step, count) VALUES (");
    upsert.value(day).sql(", ").value(feature).sql(", ").value(answer).sql(", ").value(step).sql(", ").value(count);
    upsert.sql(") ON CONFLICT (day, feature, variant, step) DO UPDATE SET count = f.count + excluded.count");
    upsert.execute(session);
}

void add_sales(soci::session& session, const std::string& day, const std::string& currency, std::int64_t orders,
               std::int64_t revenue, std::int64_t refunds) {
    SqlQuery upsert("INSERT INTO analytics.daily_sales AS s (day, currency, orders, revenue, refunds) VALUES (");
    upsert.value(day).sql(", ").value(currency).sql(", ").value(orders).sql(", ").value(revenue).sql(", ").value(refunds);
    upsert.sql(") ON CONFLICT (day, currency) DO UPDATE SET orders = s.orders + excluded.orders, "
               "revenue = s.revenue + excluded.revenue, refunds = s.refunds + excluded.refunds");
    upsert.execute(session);
}

void add_product_sales(soci::session& session, const std::string& day, const std::string& product_id, const std::string& currency,
                       const std::string& name, std::int64_t units, std::int64_t revenue) {
    SqlQuery upsert("INSERT INTO analytics.daily_products AS p (day, product_id, currency, name, units, revenue) VALUES (");
    upsert.value(day).sql(", ").value(product_id).sql(", ").value(currency).sql(", ").value(name).sql(", ").value(units);
    upsert.sql(", ").value(revenue);
    upsert.sql(") ON CONFLICT (day, product_id, currency) DO UPDATE SET name = excluded.name, units = p.units + excluded.units, "
               "revenue = p.revenue + excluded.revenue");
    upsert.execute(session);
}

bool first_purchase(soci::session& session, const std::string& user_id, const std::string& day) {
    SqlQuery insert("INSERT INTO analytics.customers (user_id, first_paid_day) VALUES (");
    insert.value(user_id).sql(", ").value(day).sql(") ON CONFLICT (user_id) DO NOTHING");
    return insert.execute(session) == 1;
}

void add_customers(soci::session& session, const std::string& day, std::int64_t new_customers, std::int64_t returning_customers) {
    SqlQuery upsert("INSERT INTO analytics.daily_customers AS c (day, new_customers, returning_customers) VALUES (");
    upsert.value(day).sql(", ").value(new_customers).sql(", ").value(returning_customers);
    upsert.sql(") ON CONFLICT (day) DO UPDATE SET new_customers = c.new_customers + excluded.new_customers, "
               "returning_customers = c.returning_customers + excluded.returning_customers");
    upsert.execute(session);
}

std::optional<std::string> busiest_currency(soci::session& session, const std::string& from, const std::string& to) {
    SqlQuery query("SELECT currency FROM analytics.daily_sales WHERE ");
    between(query, from, to);
    query.sql(" GROUP BY currency ORDER BY SUM(orders) DESC, currency LIMIT 1");
    std::optional<std::string> out;
    query.each_row(session, [&](const soci::row& r) { out = r.get<std::string>(0); });
    return out;
}

std::vector<SalesDay> sales_days(soci::session& session, const std::string& currency, const std::string& from, const std::string& to) {
    SqlQuery query("SELECT day, orders, revenue, refunds FROM analytics.daily_sales WHERE currency = ");
    query.value(currency).sql(" AND ");
    between(query, from, to);
    query.sql(" ORDER BY day");
    std::vector<SalesDay> out;
    query.each_row(session, [&](const soci::row& r) {
        out.push_back({r.get<std::string>(0), kernel::row_int64(r, 1), kernel::row_int64(r, 2), kernel::row_int64(r, 3)});
    });
    return out;
}

std::vector<ProductSales> top_products(soci::session& session, const std::string& currency, const std::string& from,
                                       const std::string& to, std::size_t limit) {
    SqlQuery query("SELECT product_id, MAX(name), CAST(SUM(units) AS BIGINT), CAST(SUM(revenue) AS BIGINT) FROM analytics.daily_products WHERE currency = ");
    query.value(currency).sql(" AND ");
    between(query, from, to);
    query.sql(" GROUP BY product_id ORDER BY SUM(units) DESC, SUM(revenue) DESC, product_id LIMIT ");
    query.value(static_cast<std::int64_t>(limit));
    std::vector<ProductSales> out;
    query.each_row(session, [&](const soci::row& r) {
        out.push_back({r.get<std::string>(0), r.get<std::string>(1), kernel::row_int64(r, 2), kernel::row_int64(r, 3)});
    });
    return out;
}

std::map<std::string, std::int64_t> funnel_counts(soci::session& session, const std::string& from, const std::string& to) {
    SqlQuery query("SELECT step, CAST(SUM(count) AS BIGINT) FROM analytics.daily_funnel WHERE ");
    between(query, from, to);
    query.sql(" GROUP BY step");
    std::map<std::string, std::int64_t> out;
    query.each_row(session, [&](const soci::row& r) { out[r.get<std::string>(0)] = kernel::row_int64(r, 1); });
    return out;
}

std::map<std::string, std::map<std::string, std::int64_t>> funnel_variant_counts(soci::session& session, const std::string& feature,
                                                                                 const std::string& from, const std::string& to) {
    SqlQuery query("SELECT variant, step, CAST(SUM(count) AS BIGINT) FROM analytics.daily_funnel_variants WHERE feature = ");
    query.value(feature).sql(" AND ");
    between(query, from, to);
    query.sql(" GROUP BY variant, step");
    std::map<std::string, std::map<std::string, std::int64_t>> out;
    query.each_row(session, [&](const soci::row& r) { out[r.get<std::string>(0)][r.get<std::string>(1)] = kernel::row_int64(r, 2); });
    return out;
}

std::vector<CustomerDay> customer_days(soci::session& session, const std::string& from, const std::string& to) {
    SqlQuery query("SELECT day, new_customers, returning_customers FROM analytics.daily_customers WHERE ");
    between(query, from, to);
    query.sql(" ORDER BY day");
    std::vector<CustomerDay> out;
    query.each_row(session, [&](const soci::row& r) {
        out.push_back({r.get<std::string>(0), kernel::row_int64(r, 1), kernel::row_int64(r, 2)});
    });
    return out;
}

}  // namespace mercato::analytics
