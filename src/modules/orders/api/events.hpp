// The orders module's events: the topics of its log, keyed by order id, and what each payload holds.
#pragma once

#include "kernel/bus/event_contract.hpp"

namespace mercato::orders {

inline constexpr const char* topic_created = "orders.created";
inline constexpr const char* topic_status_changed = "orders.status-changed";

namespace event_fields {

using kernel::bus::EventField;
using enum kernel::bus::FieldKind;
using enum kernel::bus::Presence;

// An order line, priced when the order was placed (unit_price in minor units).
inline constexpr EventField item[] = {
    {"product_id", string}, {"sku", string}, {"name", string}, {"quantity", integer}, {"unit_price", integer},
};
inline constexpr EventField address[] = {
    {"name", string}, {"line1", string}, {"line2", string, optional}, {"city", string},
    {"postal_code", string}, {"country", string},  // ISO 3166 alpha-2
};
inline constexpr EventField step[] = {{"status", string}, {"at", string}};  // the order's history, oldest first

// The order as the API shows it; amounts in minor units of currency.
inline constexpr EventField order[] = {
    {"id", string},
    {"user_id", string},
    {"status", string},
    {"items", array, required, item},
    {"subtotal", integer},
    {"shipping_cost", integer},
    {"total", integer},
    {"currency", string},
    {"shipping_address", object, required, address},
    {"shipping_option", string, nullable},  // the shipping module's option id, when one was chosen
    {"pay_by", string},                     // RFC 3339: unpaid by then, the order is cancelled
    {"created_at", string},
    {"updated_at", string},
    {"history", array, required, step},
};
inline constexpr EventField created[] = {{"order", object, required, order}};

// A return's lines taken back, and the amount refunded for them.
inline constexpr EventField returned_line[] = {{"product_id", string}, {"quantity", integer}};
inline constexpr EventField returned[] = {
    {"id", string}, {"items", array, required, returned_line}, {"amount", integer}, {"reason", string},
};
inline constexpr EventField status_changed[] = {
    {"order_id", string},
    {"user_id", string},
    {"from", string},    // the status before
    {"status", string},  // the status now
    {"at", string},
    {"reason", string},  // why, in words ("payment succeeded", "cancelled by the customer")
    {"total", integer},
    {"currency", string},
    {"return", object, optional, returned},  // only when an approved return made the order returned
};

}  // namespace event_fields

inline constexpr kernel::bus::EventContract event_contracts[] = {
    {topic_created, "orders", event_fields::created},
    {topic_status_changed, "orders", event_fields::status_changed},
};

}  // namespace mercato::orders
