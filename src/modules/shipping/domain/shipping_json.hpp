// Shipping options and tracking as the API shows them.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "modules/shipping/api/shipping.hpp"

namespace mercato::shipping {

// {id, carrier, service, amount, currency, estimated_days (at most), delivery_days: {min, max}}
nlohmann::json option_json(const Option& option);
// {tracking_number, carrier, status, order_id, service, events: [{status, at, location?}]}
nlohmann::json tracking_json(const Tracking& tracking);

}  // namespace mercato::shipping
