// The [catalog] section of the configuration: its keys, their checks, and the CatalogSettings they make.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/catalog/api/catalog.hpp"

namespace mercato::catalog {

// How long a stock reservation an order holds lasts unpaid (reservation_minutes), and how often
// expired ones are looked for (sweep_interval_seconds). Throws kernel::ConfigError for an unknown key,
// a value of the wrong type, or one that cannot be used.
CatalogSettings read_catalog_settings(const kernel::SettingsSection& section);

}  // namespace mercato::catalog
