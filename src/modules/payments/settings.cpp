#include "modules/payments/settings.hpp"

namespace mercato::payments {

PaymentsSettings read_payments_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"provider", "webhook_secrets", "webhook_tolerance_seconds", "sweep_interval_seconds"});
    PaymentsSettings settings;
    section.read("provider", settings.provider);
    section.read_strings("webhook_secrets", settings.webhook_secrets);
    section.read_duration<std::chrono::seconds>("webhook_tolerance_seconds", settings.webhook_tolerance);
    section.read_duration<std::chrono::seconds>("sweep_interval_seconds", settings.sweep_interval);
    if (auto secrets = section.env_list("MERCATO_PAYMENTS_WEBHOOK_SECRETS")) settings.webhook_secrets = *secrets;

    if (settings.provider.empty()) throw kernel::ConfigError("payments.provider must not be empty");
    if (settings.webhook_tolerance < std::chrono::seconds(1) || settings.webhook_tolerance > std::chrono::hours(1)) {
        throw kernel::ConfigError("payments.webhook_tolerance_seconds must be from 1 to 3600");
    }
    if (settings.sweep_interval < std::chrono::seconds(1)) throw kernel::ConfigError("payments.sweep_interval_seconds must be at least 1");
    for (const auto& secret : settings.webhook_secrets) {
        if (secret.size() < 16) throw kernel::ConfigError("payments.webhook_secrets: each secret must be at least 16 characters");
    }
    return settings;
}

}  // namespace mercato::payments
