// Every module's settings, each read from the module's own [section] of the configuration by the
// module's reader: the one place that knows which sections the modules own.
#pragma once

#include <set>
#include <string>

#include "kernel/config.hpp"
#include "modules/analytics/settings.hpp"
#include "modules/catalog/settings.hpp"
#include "modules/notifications/settings.hpp"
#include "modules/orders/settings.hpp"
#include "modules/payments/settings.hpp"
#include "modules/search/settings.hpp"
#include "modules/shipping/settings.hpp"
#include "modules/users/settings.hpp"

namespace mercato::app {

// The sections a configuration file may hold beside the kernel's, one per module.
const std::set<std::string, std::less<>>& module_sections();

struct ModuleSettings {
    users::UsersSettings users;
    catalog::CatalogSettings catalog;
    orders::OrdersSettings orders;
    payments::PaymentsSettings payments;
    shipping::ShippingSettings shipping;
    notifications::NotificationsModuleSettings notifications;
    analytics::AnalyticsSettings analytics;
    search::SearchSettings search;
};

// Throws kernel::ConfigError for the first setting a module cannot use, so a bad one stops the process
// before it opens anything.
ModuleSettings read_module_settings(const kernel::Config& config);

}  // namespace mercato::app
