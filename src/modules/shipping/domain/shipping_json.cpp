#include "modules/shipping/domain/shipping_json.hpp"

#include <nlohmann/json.hpp>

namespace mercato::shipping {

using nlohmann::json;

json option_json(const Option& o) {
    return {{"id", o.id},
            {"carrier", o.carrier},
            {"service", o.service},
            {"amount", o.amount},
            {"currency", o.currency},
            {"estimated_days", o.max_days},
            {"delivery_days", {{"min", o.min_days}, {"max", o.max_days}}}};
}

json tracking_json(const Tracking& t) {
    json events = json::array();
    for (const auto& e : t.events) {
        json event{{"status", e.status}, {"at", e.at}};
        if (!e.location.empty()) event["location"] = e.location;
        events.push_back(std::move(event));
    }
    return {{"tracking_number", t.tracking_number},
            {"carrier", t.carrier},
            {"status", t.status},
            {"order_id", t.order_id},
            {"service", t.service_id},
            {"events", std::move(events)}};
}

}  // namespace mercato::shipping
