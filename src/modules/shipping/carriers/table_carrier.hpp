// The built-in carrier: the services of the shop's rate table (DHL, FedEx ...), priced by its zones
// and weight tiers, tracking numbers in each service's format, callbacks signed with Mercato-Signature.
#pragma once

#include "modules/shipping/carriers/carrier.hpp"

namespace mercato::shipping {

class TableCarrier final : public Carrier {
public:
    explicit TableCarrier(RateTable table) : table_(std::move(table)) {}

    std::vector<Option> rate(const Destination& to, const Parcel& parcel) const override;
    std::optional<std::string> carrier_name(const std::string& service_id) const override;
    std::string create_shipment(const std::string& service_id, const std::string& order_id) override;
    // Body: {tracking_number, status, location?}, signed in the Mercato-Signature header.
    std::optional<TrackingUpdate> parse_callback(const CallbackDelivery& delivery, const kernel::SignatureCheck& check) const override;

private:
    RateTable table_;
};

}  // namespace mercato::shipping
