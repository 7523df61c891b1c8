// The [shipping] section of the configuration: its keys, their checks, and the ShippingSettings they make.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/shipping/api/shipping.hpp"

namespace mercato::shipping {

// A rate table file instead of the built-in one (rates_file), and the secrets that sign carriers'
// tracking callbacks (callback_secrets, replaced by MERCATO_SHIPPING_CALLBACK_SECRETS, comma-separated).
// Throws kernel::ConfigError for an unknown key, a value of the wrong type, or one that cannot be used.
ShippingSettings read_shipping_settings(const kernel::SettingsSection& section);

}  // namespace mercato::shipping
