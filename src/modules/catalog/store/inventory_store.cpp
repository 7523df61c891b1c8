#include "modules/catalog/store/inventory_store.hpp"

#include <soci/soci.h>

#include "kernel/sql_values.hpp"
#include "kernel/newest_first.hpp"
#include "modules/catalog/domain/product_rules.hpp"

namespace mercato::catalog {

std::optional<StockChange> change_stock(soci::session& session, const std::string& product_id, std::int64_t delta,
                                        const std::string& at, bool on_sale_only) {
    kernel::SqlQuery query("UPDATE catalog.products SET stock = stock + ");
    query.value(delta).sql(", updated_at = ").value(at).sql(" WHERE id = ").value(product_id);
    query.sql(" AND stock + ").value(delta).sql(" BETWEEN 0 AND ").value(max_stock);
    if (on_sale_only) query.sql(" AND deleted_at IS NULL");
    query.sql(" RETURNING stock, sku, name, price, currency");
    std::optional<StockChange> after;
    query.each_row(session, [&](const soci::row& r) {
        after = StockChange{kernel::row_int64(r, 0), r.get<std::string>(1), r.get<std::string>(2), kernel::row_int64(r, 3),
                            r.get<std::string>(4)};
    });
    return after;
}

void insert_adjustment(soci::session& session, const StockAdjustment& a) {
    session << "INSERT INTO catalog.stock_adjustments (id, product_id, delta, stock_after, reason, actor, created_at) "
               "VALUES (:id, :p, :d, :s, :r, :a, :at)",
        soci::use(a.id), soci::use(a.product_id), soci::use(a.delta), soci::use(a.stock_after), soci::use(a.reason),
        soci::use(a.actor), soci::use(a.created_at);
}

Page<StockAdjustment> select_adjustments(soci::session& session, const std::string& product_id, std::size_t limit,
                                         const std::string& cursor) {
    kernel::SqlQuery query(
        "SELECT id, product_id, delta, stock_after, reason, actor, created_at FROM catalog.stock_adjustments WHERE product_id = ");
    query.value(product_id);
    kernel::newest_first(query, cursor, 's', limit);
    std::vector<StockAdjustment> rows;
    query.each_row(session, [&](const soci::row& r) {
        rows.push_back({r.get<std::string>(0), r.get<std::string>(1), kernel::row_int64(r, 2), kernel::row_int64(r, 3),
                        r.get<std::string>(4), r.get<std::string>(5), r.get<std::string>(6)});
    });
    auto next = kernel::newest_first_next(rows, 's', limit);
    return {std::move(rows), std::move(next)};
}

std::optional<Reservation> find_reservation(soci::session& session, kernel::Backend backend, const std::string& order_id,
                                            bool lock) {
    kernel::SqlQuery head("SELECT order_id, status, expires_at FROM catalog.reservations WHERE order_id = ");
    head.value(order_id);
    if (lock && backend == kernel::Backend::postgresql) head.sql(" FOR UPDATE");
    std::optional<Reservation> out;
    head.each_row(session, [&](const soci::row& r) {
        out = Reservation{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), {}};
    });
    if (!out) return out;
    kernel::SqlQuery lines("SELECT product_id, sku, name, price, currency, quantity FROM catalog.reservation_lines WHERE order_id = ");
    lines.value(order_id).sql(" ORDER BY line_no");
    lines.each_row(session, [&](const soci::row& r) {
        out->lines.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), kernel::row_int64(r, 3),
                              r.get<std::string>(4), kernel::row_int64(r, 5)});
    });
    return out;
}

bool insert_reservation(soci::session& session, const Reservation& reservation, const std::string& at) {
    kernel::SqlQuery insert("INSERT INTO catalog.reservations (order_id, status, expires_at, created_at, updated_at) VALUES (");
    insert.value(reservation.order_id).sql(", ").value(reservation.status).sql(", ").value(reservation.expires_at).sql(", ");
    insert.value(at).sql(", ").value(at).sql(") ON CONFLICT (order_id) DO NOTHING");
    return insert.execute(session) > 0;
}

void insert_reservation_lines(soci::session& session, const Reservation& reservation) {
    int line_no = 0;
    for (const auto& l : reservation.lines) {
        ++line_no;
        session << "INSERT INTO catalog.reservation_lines (order_id, line_no, product_id, sku, name, price, currency, quantity) "
                   "VALUES (:o, :n, :p, :s, :name, :price, :c, :q)",
            soci::use(reservation.order_id), soci::use(line_no), soci::use(l.product_id), soci::use(l.sku), soci::use(l.name),
            soci::use(l.price), soci::use(l.currency), soci::use(l.quantity);
    }
}

bool move_reservation(soci::session& session, const std::string& order_id, const char* from, const char* to,
                      const std::string& at) {
    kernel::SqlQuery update("UPDATE catalog.reservations SET status = ");
    update.value(std::string(to)).sql(", updated_at = ").value(at).sql(" WHERE order_id = ").value(order_id);
    update.sql(" AND status = ").value(std::string(from));
    return update.execute(session) > 0;
}

std::vector<std::string> expired_reservations(soci::session& session, const std::string& now, std::size_t limit) {
    kernel::SqlQuery query("SELECT order_id FROM catalog.reservations WHERE status = 'held' AND expires_at < ");
    query.value(now).sql(" ORDER BY expires_at LIMIT ").value(static_cast<std::int64_t>(limit));
    std::vector<std::string> out;
    query.each_row(session, [&](const soci::row& r) { out.push_back(r.get<std::string>(0)); });
    return out;
}

bool ever_reserved(soci::session& session, const std::string& product_id) {
    int found = 0;
    session << "SELECT COUNT(*) FROM (SELECT 1 FROM catalog.reservation_lines WHERE product_id = :p LIMIT 1) AS held",
        soci::use(product_id), soci::into(found);
    return found > 0;
}

}  // namespace mercato::catalog
