// Wires the shipping module into a process: its facade (with the configured rate table), its routes,
// and the subscription that makes a shipment of every paid order.
#pragma once

#include <memory>

#include "modules/shipping/api/shipping.hpp"
#include "modules/shipping/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::shipping {

class ShippingModule {
public:
    // Subscribes to the orders and payments logs: call before the bus starts.
    ShippingModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog, ShippingSettings settings);

    Shipping& shipping() { return shipping_; }
    void register_routes(http::Router& router);

private:
    Shipping shipping_;
};

}  // namespace mercato::shipping
