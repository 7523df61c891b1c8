// SQL over the orders schema: orders with their lines and events, and return requests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "modules/orders/api/orders.hpp"
#include "modules/orders/domain/lifecycle.hpp"

namespace soci {
class session;
}

namespace mercato::orders {

// The order as stored, its history folded from its events. With lock, the order's row stays locked
// to this transaction on PostgreSQL, so two moves of one order take turns.
std::optional<Order> find_order(soci::session& session, kernel::Backend backend, const std::string& id, bool lock);
// Inserts the order, its lines and its first event.
void insert_order(soci::session& session, const Order& order, const OrderEvent& placed);
// Appends an event and sets the status it leads to.
void append_event(soci::session& session, const std::string& order_id, const OrderEvent& event);
// Newest first; user_id and status filter when set. Problem 422 for a foreign cursor.
kernel::Page<Order> select_orders(soci::session& session, const OrderQuery& query);
// Pending orders whose payment window closed before now, oldest deadline first.
std::vector<std::string> unpaid_orders(soci::session& session, const std::string& now, std::size_t limit);

void insert_return(soci::session& session, const ReturnRequest& request);
std::optional<ReturnRequest> find_return(soci::session& session, const std::string& order_id, const std::string& return_id);
// A return of the order still requested or approved (an order is returned once).
bool has_open_return(soci::session& session, const std::string& order_id);
void set_return_status(soci::session& session, const std::string& return_id, const std::string& status, const std::string& at);

}  // namespace mercato::orders
