#include "modules/orders/module.hpp"

#include <spdlog/spdlog.h>

#include "modules/orders/http/order_routes.hpp"

namespace mercato::orders {

OrdersModule::OrdersModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog,
                           OrdersSettings settings, shipping::Shipping* shipping)
    : orders_(std::move(db), bus, catalog, settings, shipping),
      sweeper_("cancelling unpaid orders", settings.sweep_interval, [this] {
          if (const auto cancelled = orders_.expire_unpaid()) spdlog::info("cancelled {} unpaid orders", cancelled);
          orders_.forget_old_keys();
      }) {
    orders_.follow_payments_and_shipping(bus);
}

void OrdersModule::register_routes(http::Router& router) { register_order_routes(router, orders_); }

}  // namespace mercato::orders
