// The [payments] section of the configuration: its keys, their checks, and the PaymentsSettings they make.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/payments/api/payments.hpp"

namespace mercato::payments {

// The provider cards and bank transfers go through (provider), the secrets that sign its callbacks
// (webhook_secrets, replaced by MERCATO_PAYMENTS_WEBHOOK_SECRETS, comma-separated), how old a
// callback's signature may be (webhook_tolerance_seconds), and how often interrupted card attempts and
// unsettled refunds are looked for (sweep_interval_seconds). Throws kernel::ConfigError for an unknown
// key, a value of the wrong type, or one that cannot be used.
PaymentsSettings read_payments_settings(const kernel::SettingsSection& section);

}  // namespace mercato::payments
