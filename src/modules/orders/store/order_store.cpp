#include "modules/orders/store/order_store.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/newest_first.hpp"
#include "kernel/sql_values.hpp"
#include "modules/orders/domain/order_json.hpp"

namespace mercato::orders {

namespace {

constexpr const char* order_columns =
    "id, user_id, status, currency, subtotal, shipping_cost, total, shipping_address, shipping_option, pay_by, created_at, "
    "updated_at";

Order order_from_row(const soci::row& r) {
    Order o;
    o.id = r.get<std::string>(0);
    o.user_id = r.get<std::string>(1);
    o.status = r.get<std::string>(2);
    o.currency = r.get<std::string>(3);
    o.subtotal = kernel::row_int64(r, 4);
    o.shipping_cost = kernel::row_int64(r, 5);
    o.total = kernel::row_int64(r, 6);
    o.shipping_address = address_from_json(nlohmann::json::parse(r.get<std::string>(7)));
    if (r.get_indicator(8) != soci::i_null) o.shipping_option = r.get<std::string>(8);
    o.pay_by = r.get<std::string>(9);
    o.created_at = r.get<std::string>(10);
    o.updated_at = r.get<std::string>(11);
    return o;
}

// Lines and history, and the status checked against the fold of the events.
void complete(soci::session& session, Order& o) {
    kernel::SqlQuery lines("SELECT product_id, sku, name, quantity, unit_price FROM orders.order_lines WHERE order_id = ");
    lines.value(o.id).sql(" ORDER BY line_no");
    lines.each_row(session, [&](const soci::row& r) {
        o.items.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), kernel::row_int64(r, 3),
                           kernel::row_int64(r, 4)});
    });
    std::vector<OrderEvent> events;
    kernel::SqlQuery history("SELECT seq, status, at, actor, reason FROM orders.order_events WHERE order_id = ");
    history.value(o.id).sql(" ORDER BY seq");
    history.each_row(session, [&](const soci::row& r) {
        events.push_back({static_cast<int>(kernel::row_int64(r, 0)), r.get<std::string>(1), r.get<std::string>(2),
                          r.get<std::string>(3), r.get<std::string>(4)});
    });
    o.status = fold_status(events);
    for (const auto& e : events) o.history.push_back({e.status, e.at});
}

void insert_event(soci::session& session, const std::string& order_id, const OrderEvent& e) {
    session << "INSERT INTO orders.order_events (order_id, seq, status, at, actor, reason) VALUES (:o, :seq, :s, :at, :a, :r)",
        soci::use(order_id), soci::use(e.seq), soci::use(e.status), soci::use(e.at), soci::use(e.actor), soci::use(e.reason);
}

}  // namespace

std::optional<Order> find_order(soci::session& session, kernel::Backend backend, const std::string& id, bool lock) {
    kernel::SqlQuery query(std::string("SELECT ") + order_columns + " FROM orders.orders WHERE id = ");
    query.value(id);
    if (lock && backend == kernel::Backend::postgresql) query.sql(" FOR UPDATE");
    std::optional<Order> out;
    query.each_row(session, [&](const soci::row& r) { out = order_from_row(r); });
    if (out) complete(session, *out);
    return out;
}

void insert_order(soci::session& session, const Order& o, const OrderEvent& placed) {
    const std::string address = address_json(o.shipping_address).dump();
    soci::indicator option = o.shipping_option ? soci::i_ok : soci::i_null;
    const std::string option_value = o.shipping_option.value_or("");
    session << "INSERT INTO orders.orders (id, user_id, status, currency, subtotal, shipping_cost, total, shipping_address, "
               "shipping_option, pay_by, created_at, updated_at) VALUES (:id, :u, :s, :c, :sub, :ship, :t, :a, :o, :p, :cr, :up)",
        soci::use(o.id), soci::use(o.user_id), soci::use(placed.status), soci::use(o.currency), soci::use(o.subtotal),
        soci::use(o.shipping_cost), soci::use(o.total), soci::use(address), soci::use(option_value, option), soci::use(o.pay_by),
        soci::use(o.created_at), soci::use(o.updated_at);
    int line_no = 0;
    for (const auto& l : o.items) {
        ++line_no;
        session << "INSERT INTO orders.order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price) "
                   "VALUES (:o, :n, :p, :s, :name, :q, :price)",
            soci::use(o.id), soci::use(line_no), soci::use(l.product_id), soci::use(l.sku), soci::use(l.name),
            soci::use(l.quantity), soci::use(l.unit_price);
    }
    insert_event(session, o.id, placed);
}

void append_event(soci::session& session, const std::string& order_id, const OrderEvent& e) {
    insert_event(session, order_id, e);
    session << "UPDATE orders.orders SET status = :s, updated_at = :at WHERE id = :o", soci::use(e.status), soci::use(e.at),
        soci::use(order_id);
}

kernel::Page<Order> select_orders(soci::session& session, const OrderQuery& q) {
    kernel::SqlQuery query(std::string("SELECT ") + order_columns + " FROM orders.orders WHERE 1 = 1");
    if (q.user_id) query.sql(" AND user_id = ").value(*q.user_id);
    if (q.status) query.sql(" AND status = ").value(*q.status);
    kernel::newest_first(query, q.cursor, 'o', q.limit);
    kernel::Page<Order> page;
    query.each_row(session, [&](const soci::row& r) { page.items.push_back(order_from_row(r)); });
    page.next_cursor = kernel::newest_first_next(page.items, 'o', q.limit);
    for (auto& o : page.items) complete(session, o);
    return page;
}

std::vector<std::string> unpaid_orders(soci::session& session, const std::string& now, std::size_t limit) {
    kernel::SqlQuery query("SELECT id FROM orders.orders WHERE status = 'pending' AND pay_by < ");
    query.value(now).sql(" ORDER BY pay_by LIMIT ").value(static_cast<std::int64_t>(limit));
    std::vector<std::string> out;
    query.each_row(session, [&](const soci::row& r) { out.push_back(r.get<std::string>(0)); });
    return out;
}

void insert_return(soci::session& session, const ReturnRequest& r) {
    const std::string items = lines_json(r.items).dump();
    session << "INSERT INTO orders.returns (id, order_id, user_id, status, reason, items, created_at, updated_at) "
               "VALUES (:id, :o, :u, :s, :r, :i, :c, :up)",
        soci::use(r.id), soci::use(r.order_id), soci::use(r.user_id), soci::use(r.status), soci::use(r.reason), soci::use(items),
        soci::use(r.created_at), soci::use(r.updated_at);
}

std::optional<ReturnRequest> find_return(soci::session& session, const std::string& order_id, const std::string& return_id) {
    soci::rowset<soci::row> rows = (session.prepare << "SELECT id, order_id, user_id, status, items, reason, created_at, "
                                                       "updated_at FROM orders.returns WHERE id = :id AND order_id = :o",
                                    soci::use(return_id), soci::use(order_id));
    for (const auto& r : rows) {
        return ReturnRequest{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                             r.get<std::string>(3), lines_from_json(nlohmann::json::parse(r.get<std::string>(4))),
                             r.get<std::string>(5), r.get<std::string>(6), r.get<std::string>(7)};
    }
    return std::nullopt;
}

bool has_open_return(soci::session& session, const std::string& order_id) {
    long long n = 0;
    session << "SELECT COUNT(*) FROM orders.returns WHERE order_id = :o AND status IN ('requested', 'approved')",
        soci::use(order_id), soci::into(n);
    return n > 0;
}

void set_return_status(soci::session& session, const std::string& return_id, const std::string& status, const std::string& at) {
    session << "UPDATE orders.returns SET status = :s, updated_at = :at WHERE id = :id", soci::use(status), soci::use(at),
        soci::use(return_id);
}

}  // namespace mercato::orders
