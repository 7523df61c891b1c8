// The notifications module's events: the topic of its log, keyed by user id, and what its payload holds.
#pragma once

#include "kernel/bus/event_contract.hpp"

namespace mercato::notifications {

inline constexpr const char* topic_sent = "notifications.sent";

namespace event_fields {

using kernel::bus::EventField;
using enum kernel::bus::FieldKind;
using enum kernel::bus::Presence;

// A message that went out through its channel.
inline constexpr EventField sent[] = {
    {"notification_id", string},
    {"user_id", string},
    {"channel", string},  // "email", "sms", "push" or "webhook"
    {"kind", string},     // the template kind ("welcome", "order_confirmation"...), or "message" for an admin's
    {"order_id", string, optional},  // the order the message is about, when there is one
};

}  // namespace event_fields

inline constexpr kernel::bus::EventContract event_contracts[] = {{topic_sent, "notifications", event_fields::sent}};

}  // namespace mercato::notifications
