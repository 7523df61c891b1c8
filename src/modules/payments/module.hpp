// Wires the payments module into a process: the configured provider, the facade, its routes, the
// subscription to orders, and the sweeper that ends interrupted attempts and settles refunds.
#pragma once

#include <memory>
#include <string>

#include "kernel/periodic_task.hpp"
#include "modules/payments/api/payments.hpp"
#include "modules/payments/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::payments {

class PaymentsModule {
public:
    // Subscribes to the orders log: call before the bus starts. kernel::ConfigError for an unknown provider.
    PaymentsModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, orders::Orders& orders, PaymentsSettings settings);

    Payments& payments() { return payments_; }
    void register_routes(http::Router& router);
    void start();
    void stop() { sweeper_.stop(); }

private:
    Payments payments_;
    std::string provider_;
    bool no_webhook_secret_;
    kernel::PeriodicTask sweeper_;
};

}  // namespace mercato::payments
