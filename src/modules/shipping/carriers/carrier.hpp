// What the shipping module asks of a carrier: its priced services for a parcel, a booked shipment's
// tracking number, and its signed tracking callbacks. The rate-table carrier is built in; one that
// calls a carrier's API is another implementation, added where Shipping::Impl builds its carriers.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "kernel/webhook_signature.hpp"
#include "modules/shipping/api/shipping.hpp"
#include "modules/shipping/domain/rate_table.hpp"

namespace mercato::shipping {

class Carrier {
public:
    virtual ~Carrier() = default;
    // Its services that carry the parcel to the destination, priced; none when it does not go there.
    virtual std::vector<Option> rate(const Destination& to, const Parcel& parcel) const = 0;
    // The carrier's name ("DHL") when the service is one of its own.
    virtual std::optional<std::string> carrier_name(const std::string& service_id) const = 0;
    // Books a parcel of the order with the service; returns its tracking number.
    virtual std::string create_shipment(const std::string& service_id, const std::string& order_id) = 0;
    // nullopt when the callback is not in this carrier's form (another carrier may take it); Problem
    // 401 when it is but its signature does not hold, 422 when its body is not tracking news.
    virtual std::optional<TrackingUpdate> parse_callback(const CallbackDelivery& delivery, const kernel::SignatureCheck& check) const = 0;
};

}  // namespace mercato::shipping
