// An order and a return as the API and the orders log show them.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "modules/orders/api/orders.hpp"

namespace mercato::orders {

nlohmann::json order_json(const Order& order);
nlohmann::json address_json(const Address& address);
Address address_from_json(const nlohmann::json& json);
nlohmann::json lines_json(const std::vector<LineRequest>& lines);
std::vector<LineRequest> lines_from_json(const nlohmann::json& json);
nlohmann::json return_json(const ReturnRequest& request);

}  // namespace mercato::orders
