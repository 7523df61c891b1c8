#include "modules/shipping/module.hpp"

#include "modules/shipping/http/shipping_routes.hpp"

namespace mercato::shipping {

ShippingModule::ShippingModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog,
                               ShippingSettings settings)
    : shipping_(std::move(db), bus, catalog, std::move(settings)) {
    shipping_.follow_orders_and_payments(bus);
}

void ShippingModule::register_routes(http::Router& router) { register_shipping_routes(router, shipping_); }

}  // namespace mercato::shipping
