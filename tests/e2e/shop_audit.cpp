#include "e2e/shop_audit.hpp"

#include <functional>
#include <set>

#include <fmt/format.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "kernel/database.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::test {

namespace {

using Row = std::function<void(const soci::row&)>;

void each_row(soci::session& s, const std::string& sql, const Row& f) {
    soci::rowset<soci::row> rows = (s.prepare << sql);
    for (const auto& r : rows) f(r);
}

// What the database says, module by module.
struct Snapshot {
    std::map<std::string, std::string> order_status;
    std::map<std::string, std::map<std::string, std::int64_t>> order_lines;
    std::map<std::string, int> paid_payments;                        // succeeded (or since refunded) payments by order
    std::map<std::string, std::int64_t> stock;                       // by product
    std::map<std::string, std::string> reservation_status;           // by order
    std::map<std::string, std::int64_t> reserved_or_sold;            // units in held and committed reservations, by product
    std::map<std::string, std::map<std::string, int>> notices;       // kind -> order -> messages
    std::set<std::string> shipped_orders;
    std::map<std::string, bool> analytics_orders;                    // order -> paid
    std::map<std::string, std::int64_t> funnel;                      // step -> count
};

std::string text(const soci::row& r, std::size_t i) {
    return r.get_indicator(i) == soci::i_null ? std::string{} : r.get<std::string>(i);
}

Snapshot read(kernel::Database& db) {
    Snapshot s;
    db.module("orders").read([&](soci::session& q) {
        each_row(q, "SELECT id, status FROM orders.orders", [&](const soci::row& r) { s.order_status[text(r, 0)] = text(r, 1); });
        each_row(q, "SELECT order_id, product_id, quantity FROM orders.order_lines",
                 [&](const soci::row& r) { s.order_lines[text(r, 0)][text(r, 1)] += kernel::row_int64(r, 2); });
    });
    db.module("payments").read([&](soci::session& q) {
        each_row(q, "SELECT order_id FROM payments.payments WHERE status IN ('succeeded', 'refunded', 'partially_refunded')",
                 [&](const soci::row& r) { ++s.paid_payments[text(r, 0)]; });
    });
    db.module("catalog").read([&](soci::session& q) {
        each_row(q, "SELECT id, stock FROM catalog.products", [&](const soci::row& r) { s.stock[text(r, 0)] = kernel::row_int64(r, 1); });
        each_row(q, "SELECT order_id, status FROM catalog.reservations",
                 [&](const soci::row& r) { s.reservation_status[text(r, 0)] = text(r, 1); });
        each_row(q,
                 "SELECT l.product_id, l.quantity FROM catalog.reservation_lines l JOIN catalog.reservations r "
                 "ON r.order_id = l.order_id WHERE r.status IN ('held', 'committed')",
                 [&](const soci::row& r) { s.reserved_or_sold[text(r, 0)] += kernel::row_int64(r, 1); });
    });
    db.module("notifications").read([&](soci::session& q) {
        each_row(q, "SELECT kind, order_id FROM notifications.notifications WHERE order_id IS NOT NULL",
                 [&](const soci::row& r) { ++s.notices[text(r, 0)][text(r, 1)]; });
    });
    db.module("shipping").read([&](soci::session& q) {
        each_row(q, "SELECT order_id FROM shipping.shipments", [&](const soci::row& r) { s.shipped_orders.insert(text(r, 0)); });
    });
    db.module("analytics").read([&](soci::session& q) {
        each_row(q, "SELECT order_id, paid_day FROM analytics.orders",
                 [&](const soci::row& r) { s.analytics_orders[text(r, 0)] = r.get_indicator(1) != soci::i_null; });
        each_row(q, "SELECT step, count FROM analytics.daily_funnel",
                 [&](const soci::row& r) { s.funnel[text(r, 0)] += kernel::row_int64(r, 1); });
    });
    return s;
}

bool is_paid_status(const std::string& status) { return status != "pending" && status != "cancelled"; }

}  // namespace

ShopAudit::ShopAudit(const std::string& db_url)
    : db_(kernel::Database::open({.url = db_url, .pool_size = 2},
                                 {"orders", "payments", "catalog", "notifications", "shipping", "analytics"})) {}

ShopAudit::~ShopAudit() = default;

std::size_t ShopAudit::orphan_reservations() const {
    const auto s = read(*db_);
    std::size_t orphans = 0;
    for (const auto& [order, status] : s.reservation_status) orphans += status == "held" && !s.order_status.contains(order);
    return orphans;
}

std::vector<std::string> ShopAudit::broken_promises(const Ledger& ledger, const std::map<std::string, std::int64_t>& initial_stock,
                                                    std::size_t max_orphans) const {
    const auto s = read(*db_);
    std::vector<std::string> broken;
    const auto fail = [&](std::string what) { broken.push_back(std::move(what)); };

    for (const auto& [id, acked] : ledger.orders) {
        const auto lines = s.order_lines.find(id);
        if (!s.order_status.contains(id)) fail(fmt::format("order {} was acknowledged (201) but is missing", id));
        else if (lines == s.order_lines.end() || lines->second != acked.quantities) fail(fmt::format("order {} lost or changed its items", id));
    }
    for (const auto& id : ledger.paid_orders) {
        if (!s.paid_payments.contains(id)) fail(fmt::format("the payment of order {} was acknowledged but is missing", id));
    }
    std::size_t paid = 0;
    for (const auto& [order, payments] : s.paid_payments) {
        if (payments != 1) fail(fmt::format("order {} has {} succeeded payments", order, payments));
        const auto status = s.order_status.find(order);
        if (status == s.order_status.end()) fail(fmt::format("a succeeded payment belongs to no order ({})", order));
        else if (!is_paid_status(status->second)) fail(fmt::format("order {} was paid but is still {}", order, status->second));
        ++paid;
    }
    for (const auto& [order, status] : s.order_status) {
        if (is_paid_status(status) && !s.paid_payments.contains(order)) fail(fmt::format("order {} is {} without a payment", order, status));
    }

    for (const auto& [product, initial] : initial_stock) {
        const auto stock = s.stock.at(product);
        const auto held = s.reserved_or_sold.contains(product) ? s.reserved_or_sold.at(product) : 0;
        if (stock + held != initial) {
            fail(fmt::format("product {}: {} in stock + {} reserved or sold != {} at the start", product, stock, held, initial));
        }
    }
    std::size_t orphans = 0;
    for (const auto& [order, status] : s.reservation_status) {
        const auto placed = s.order_status.find(order);
        if (placed == s.order_status.end()) {
            if (status != "held") fail(fmt::format("reservation {} is {} without an order", order, status));
            ++orphans;
        } else if ((status == "committed") != is_paid_status(placed->second) || status == "released") {
            fail(fmt::format("order {} is {} but its reservation is {}", order, placed->second, status));
        }
    }
    for (const auto& [order, status] : s.order_status) {
        if (!s.reservation_status.contains(order)) fail(fmt::format("order {} holds no stock", order));
    }
    if (orphans > max_orphans) fail(fmt::format("{} reservations without an order (at most {} expected)", orphans, max_orphans));

    // Every event once in effect, in every module that follows it.
    const auto once_each = [&](const std::string& kind, const std::function<bool(const std::string&)>& wanted) {
        const auto& sent = s.notices.contains(kind) ? s.notices.at(kind) : std::map<std::string, int>{};
        for (const auto& [order, status] : s.order_status) {
            const int expected = wanted(status) ? 1 : 0;
            const int got = sent.contains(order) ? sent.at(order) : 0;
            if (got != expected) fail(fmt::format("order {} ({}): {} {} messages, not {}", order, status, got, kind, expected));
        }
    };
    once_each("order_confirmation", [](const std::string&) { return true; });
    once_each("payment_received", is_paid_status);
    for (const auto& [order, status] : s.order_status) {
        if (s.shipped_orders.contains(order) != is_paid_status(status)) {
            fail(fmt::format("order {} ({}) has {} shipment", order, status, s.shipped_orders.contains(order) ? "a" : "no"));
        }
        const auto seen = s.analytics_orders.find(order);
        if (seen == s.analytics_orders.end()) fail(fmt::format("analytics never saw order {}", order));
        else if (seen->second != is_paid_status(status)) fail(fmt::format("analytics has order {} {}", order, seen->second ? "paid" : "unpaid"));
    }
    const auto step = [&](const char* name) { return s.funnel.contains(name) ? s.funnel.at(name) : 0; };
    if (step("orders_placed") != static_cast<std::int64_t>(s.order_status.size())) {
        fail(fmt::format("analytics counts {} orders placed, the shop has {}", step("orders_placed"), s.order_status.size()));
    }
    if (step("orders_paid") != static_cast<std::int64_t>(paid)) {
        fail(fmt::format("analytics counts {} orders paid, the shop has {}", step("orders_paid"), paid));
    }
    return broken;
}

std::vector<std::string> damaged_sqlite_files(const std::filesystem::path& dir) {
    std::vector<std::string> damaged;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".db") continue;
        soci::session s(soci::sqlite3, "db=" + entry.path().string());
        std::string verdict;
        s << "PRAGMA integrity_check", soci::into(verdict);
        if (verdict != "ok") damaged.push_back(entry.path().filename().string() + ": " + verdict);
    }
    return damaged;
}

}  // namespace mercato::test
