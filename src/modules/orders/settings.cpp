#include "modules/orders/settings.hpp"

namespace mercato::orders {

OrdersSettings read_orders_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"payment_window_minutes", "sweep_interval_seconds"});
    OrdersSettings settings;
    section.read_duration<std::chrono::minutes>("payment_window_minutes", settings.payment_window);
    section.read_duration<std::chrono::seconds>("sweep_interval_seconds", settings.sweep_interval);
    if (settings.payment_window < std::chrono::minutes(1)) throw kernel::ConfigError("orders.payment_window_minutes must be at least 1");
    if (settings.sweep_interval < std::chrono::seconds(1)) throw kernel::ConfigError("orders.sweep_interval_seconds must be at least 1");
    return settings;
}

}  // namespace mercato::orders
