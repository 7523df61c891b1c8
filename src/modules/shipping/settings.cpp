#include "modules/shipping/settings.hpp"

namespace mercato::shipping {

ShippingSettings read_shipping_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"rates_file", "callback_secrets"});
    ShippingSettings settings;
    section.read("rates_file", settings.rates_file);
    section.read_strings("callback_secrets", settings.callback_secrets);
    if (auto secrets = section.env_list("MERCATO_SHIPPING_CALLBACK_SECRETS")) settings.callback_secrets = *secrets;
    for (const auto& secret : settings.callback_secrets) {
        if (secret.size() < 16) throw kernel::ConfigError("shipping.callback_secrets: each secret must be at least 16 characters");
    }
    return settings;
}

}  // namespace mercato::shipping
