#include "modules/notifications/domain/event_messages.hpp"

#include <nlohmann/json.hpp>

#include "kernel/money.hpp"

namespace mercato::notifications {

namespace {

using nlohmann::json;

std::string text(const json& j, const char* name) { return j.at(name).get<std::string>(); }

std::string money(const json& j, const char* amount, const char* currency) {
    return kernel::Money::of(j.at(amount).get<std::int64_t>(), text(j, currency)).to_string();
}

}  // namespace

std::optional<EventMessage> message_for(const std::string& topic, const json& payload) {
    if (topic == users::topic_registered) {
        return EventMessage{"welcome", text(payload, "user_id"), std::nullopt, {}, text(payload, "email"), false};
    }
    if (topic == users::topic_password_reset_requested) {
        return EventMessage{"password_reset",
                            text(payload, "user_id"),
                            std::nullopt,
                            {{"token", text(payload, "token")}, {"expires_at", text(payload, "expires_at")}},
                            text(payload, "email"),
                            true};
    }
    if (topic == orders::topic_created) {
        const json& order = payload.at("order");
        std::int64_t units = 0;
        for (const auto& line : order.at("items")) units += line.at("quantity").get<std::int64_t>();
        return EventMessage{"order_confirmation",
                            text(order, "user_id"),
                            text(order, "id"),
                            {{"order_id", text(order, "id")}, {"total", money(order, "total", "currency")},
                             {"item_count", std::to_string(units)}},
                            {},
                            false};
    }
    if (topic == payments::topic_processed) {
        if (payload.value("status", "") != "succeeded") return std::nullopt;  // a declined card was answered at once
        return EventMessage{"payment_received",
                            text(payload, "user_id"),
                            text(payload, "order_id"),
                            {{"order_id", text(payload, "order_id")}, {"amount", money(payload, "amount", "currency")}},
                            {},
                            false};
    }
    if (topic == shipping::topic_updated) {
        const std::string status = payload.value("status", "");
        if (status == "in_transit") {
            return EventMessage{"order_shipped",
                                text(payload, "user_id"),
                                text(payload, "order_id"),
                                {{"order_id", text(payload, "order_id")},
                                 {"carrier", text(payload, "carrier")},
                                 {"tracking_number", text(payload, "tracking_number")}},
                                {},
                                false};
        }
        if (status == "delivered") {
            return EventMessage{"order_delivered", text(payload, "user_id"), text(payload, "order_id"),
                                {{"order_id", text(payload, "order_id")}}, {}, false};
        }
    }
    return std::nullopt;
}

}  // namespace mercato::notifications
