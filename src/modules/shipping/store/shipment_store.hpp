// SQL over the shipping schema: orders' destinations, shipments and their tracking events.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "modules/shipping/api/shipping.hpp"

namespace soci {
class session;
}

namespace mercato::shipping {

struct OrderDestination {
    std::string order_id;
    std::string user_id;
    Destination to;
    std::optional<std::string> shipping_option;
    std::vector<Item> items;
    std::string created_at;
};

// Kept once: a redelivered orders.created changes nothing.
void save_destination(soci::session& session, const OrderDestination& destination);
std::optional<OrderDestination> find_destination(soci::session& session, const std::string& order_id);

// Inserts the shipment with its first event; false when the order has one already.
bool insert_shipment(soci::session& session, const Tracking& shipment, const std::string& created_at);
// With lock, the shipment's row stays locked to the transaction on PostgreSQL, so news of one parcel takes turns.
std::optional<Tracking> shipment_of_order(soci::session& session, kernel::Backend backend, const std::string& order_id, bool lock);
std::optional<Tracking> shipment_by_number(soci::session& session, kernel::Backend backend, const std::string& tracking_number,
                                           bool lock);
// Appends the event (after the shipment's others) and makes its status the shipment's.
void append_tracking_event(soci::session& session, const Tracking& shipment, const TrackingEvent& event, const std::string& source);

}  // namespace mercato::shipping
