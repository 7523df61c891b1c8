// The [orders] section of the configuration: its keys, their checks, and the OrdersSettings they make.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/orders/api/orders.hpp"

namespace mercato::orders {

// How long a placed order waits for payment before it is cancelled (payment_window_minutes), and how
// often unpaid ones are looked for (sweep_interval_seconds). Throws kernel::ConfigError for an unknown
// key, a value of the wrong type, or one that cannot be used.
OrdersSettings read_orders_settings(const kernel::SettingsSection& section);

}  // namespace mercato::orders
