#include "modules/shipping/carriers/table_carrier.hpp"

#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "kernel/problem.hpp"
#include "kernel/webhook_signature.hpp"
#include "modules/shipping/domain/tracking_rules.hpp"

namespace mercato::shipping {

namespace {

std::uint32_t random_number() {
    std::uint32_t value = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1) {
        throw std::runtime_error("no random bytes for a tracking number");
    }
    return value;
}

}  // namespace

std::vector<Option> TableCarrier::rate(const Destination& to, const Parcel& parcel) const {
    const Zone* zone = zone_for(table_, to);
    if (zone == nullptr) return {};
    return options_for(table_, *zone, parcel);
}

std::optional<std::string> TableCarrier::carrier_name(const std::string& service_id) const {
    const Service* service = find_service(table_, service_id);
    if (service == nullptr) return std::nullopt;
    return service->carrier;
}

std::string TableCarrier::create_shipment(const std::string& service_id, const std::string&) {
    return tracking_number(*find_service(table_, service_id), random_number);
}

std::optional<TrackingUpdate> TableCarrier::parse_callback(const CallbackDelivery& delivery, const kernel::SignatureCheck& check) const {
    const auto signature = delivery.header(kernel::signature_header);
    if (signature.empty()) return std::nullopt;
    kernel::verify_webhook_signature(signature, delivery.body, check.secrets, check.now, check.tolerance);
    const auto body = nlohmann::json::parse(delivery.body, nullptr, false);
    if (!body.is_object()) kernel::check_fields({{"body", "must be a JSON object {tracking_number, status, location?}"}});
    const auto text = [&](const char* name) {
        const auto it = body.find(name);
        return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    TrackingUpdate update{text("tracking_number"), text("status"), text("location")};
    kernel::check_fields(update_problems(update));
    return update;
}

}  // namespace mercato::shipping
