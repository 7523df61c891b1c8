// The analytics rollups as a write transaction adds to them, on SQLite (tests/module) and PostgreSQL
// (tests/pg): summed in memory and written with the transaction, never without it.

#include <doctest/doctest.h>

#include <soci/soci.h>

#include "kernel/database.hpp"
#include "kernel/sql_values.hpp"
#include "modules/analytics/store/rollup_totals.hpp"
#include "support/module_database.hpp"
#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using mercato::analytics::RollupTotals;

struct Sales {
    long long orders = -1, revenue = -1, refunds = -1;
};

Sales sales_on(mercato::kernel::Database& db, const std::string& day, const std::string& currency) {
    return db.module("analytics").read([&](soci::session& s) {
        Sales out;
        soci::indicator ind = soci::i_ok;
        s << "SELECT orders, revenue, refunds FROM analytics.daily_sales WHERE day = :d AND currency = :c", soci::use(day),
            soci::use(currency), soci::into(out.orders, ind), soci::into(out.revenue), soci::into(out.refunds);
        return s.got_data() ? out : Sales{};
    });
}

long long funnel_on(mercato::kernel::Database& db, const std::string& day, const std::string& step) {
    return db.module("analytics").read([&](soci::session& s) {
        long long count = 0;
        s << "SELECT count FROM analytics.daily_funnel WHERE day = :d AND step = :s", soci::use(day), soci::use(step),
            soci::into(count);
        return count;
    });
}

}  // namespace

TEST_CASE("a transaction's additions to one rollup row are summed and land with its commit, added to what was there") {
    auto t = suite_database();
    auto db = mercato::test::open_module_database(*t, {"analytics"}, 2);
    db->module("analytics").write([](soci::session&) { RollupTotals::of_transaction().add_sales("2026-12-08", "USD", 1, 1500, 0); });
    db->module("analytics").write([](soci::session&) {
        auto& totals = RollupTotals::of_transaction();
        for (int i = 0; i < 50; ++i) totals.add_sales("2026-12-08", "USD", 1, 1000, 0);
        totals.add_sales("2026-12-08", "USD", 0, 0, 700);
        totals.add_sales("2026-12-08", "JPY", 1, 300, 0);
        totals.add_step("2026-12-08", "orders_paid", {{"new_checkout", "on"}}, 3);
    });
    const auto usd = sales_on(*db, "2026-12-08", "USD");
    CHECK(usd.orders == 51);
    CHECK(usd.revenue == 51'500);
    CHECK(usd.refunds == 700);
    CHECK(sales_on(*db, "2026-12-08", "JPY").revenue == 300);
    CHECK(funnel_on(*db, "2026-12-08", "orders_paid") == 3);
}

TEST_CASE("additions of a transaction that rolls back are never written, and do not leak into the next one") {
    auto t = suite_database();
    auto db = mercato::test::open_module_database(*t, {"analytics"}, 2);
    CHECK_THROWS(db->module("analytics").write([](soci::session&) {
        RollupTotals::of_transaction().add_sales("2026-12-08", "EUR", 1, 999, 0);
        throw std::runtime_error("the handler failed after counting");
    }));
    db->module("analytics").write([](soci::session&) { RollupTotals::of_transaction().add_sales("2026-12-08", "EUR", 1, 10, 0); });
    const auto eur = sales_on(*db, "2026-12-08", "EUR");
    CHECK(eur.orders == 1);
    CHECK(eur.revenue == 10);
}
