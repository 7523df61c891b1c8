// The shipping module's events: the topic of its log, keyed by order id, and what its payload holds.
#pragma once

#include "kernel/bus/event_contract.hpp"

namespace mercato::shipping {

inline constexpr const char* topic_updated = "shipping.updated";

namespace event_fields {

using kernel::bus::EventField;
using enum kernel::bus::FieldKind;
using enum kernel::bus::Presence;

// A shipment made for a paid order, or a step of its tracking.
inline constexpr EventField updated[] = {
    {"order_id", string},
    {"user_id", string},
    {"shipment_id", string},
    {"tracking_number", string},
    {"carrier", string},
    {"status", string},  // "label_created", "in_transit", "out_for_delivery", "delivered" or "exception"
    {"location", string, optional},  // where the parcel was scanned, when the carrier says
    {"at", string},
};

}  // namespace event_fields

inline constexpr kernel::bus::EventContract event_contracts[] = {{topic_updated, "shipping", event_fields::updated}};

}  // namespace mercato::shipping
