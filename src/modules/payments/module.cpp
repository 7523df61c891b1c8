#include "modules/payments/module.hpp"

#include <spdlog/spdlog.h>

#include "modules/payments/http/payment_routes.hpp"
#include "modules/payments/providers/provider_registry.hpp"

namespace mercato::payments {

PaymentsModule::PaymentsModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, orders::Orders& orders,
                               PaymentsSettings settings)
    : payments_(std::move(db), bus, orders, make_provider(settings.provider), settings),
      provider_(settings.provider),
      no_webhook_secret_(settings.webhook_secrets.empty()),
      sweeper_("settling payments", settings.sweep_interval, [this] { payments_.sweep(); }) {
    payments_.when_refunds_wait([this] { sweeper_.wake(); });
    payments_.follow_orders(bus);
}

void PaymentsModule::start() {
    // Said when serving, not by every command that builds the modules (users create-admin).
    if (provider_ == "sandbox") spdlog::warn("payments: the sandbox provider takes no money; configure a real provider before selling");
    if (no_webhook_secret_) spdlog::warn("payments: no webhook secret is configured; provider callbacks are refused");
    sweeper_.start();
}

void PaymentsModule::register_routes(http::Router& router) { register_payment_routes(router, payments_); }

}  // namespace mercato::payments
