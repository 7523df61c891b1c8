// Which business events notify the customer, with what kind of message and which values: rules on
// the events' payloads, no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "modules/orders/api/events.hpp"
#include "modules/payments/api/events.hpp"
#include "modules/shipping/api/events.hpp"
#include "modules/users/api/events.hpp"

namespace mercato::notifications {

struct EventMessage {
    std::string kind;  // a template kind
    std::string user_id;
    std::optional<std::string> order_id;
    std::map<std::string, std::string> values;  // the kind's variables the event tells (name, email and shop come from elsewhere)
    std::string email;                          // when the event carries the address (registration, reset)
    bool sensitive = false;                     // the message carries a secret
};

// The message an event asks for, or nullopt for an event no customer hears of (a failed payment, a
// parcel's in-between scan).
std::optional<EventMessage> message_for(const std::string& topic, const nlohmann::json& payload);

// The topics message_for knows.
inline constexpr const char* notified_topics[] = {
    users::topic_registered, users::topic_password_reset_requested, orders::topic_created, payments::topic_processed,
    shipping::topic_updated,
};

}  // namespace mercato::notifications
