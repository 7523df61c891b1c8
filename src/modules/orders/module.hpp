// Wires the orders module into a process: its facade, its routes, the subscriptions to payments and
// shipping, and the sweeper that cancels unpaid orders and forgets old Idempotency-Keys.
#pragma once

#include <memory>

#include "kernel/periodic_task.hpp"
#include "modules/orders/api/orders.hpp"
#include "modules/orders/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::orders {

class OrdersModule {
public:
    // Subscribes to the payments and shipping logs this process serves: call before the bus starts.
    OrdersModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog, OrdersSettings settings,
                 shipping::Shipping* shipping);

    Orders& orders() { return orders_; }
    void register_routes(http::Router& router);
    void start() { sweeper_.start(); }
    void stop() { sweeper_.stop(); }

private:
    Orders orders_;
    kernel::PeriodicTask sweeper_;
};

}  // namespace mercato::orders
