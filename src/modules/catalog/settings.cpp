#include "modules/catalog/settings.hpp"

namespace mercato::catalog {

CatalogSettings read_catalog_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"reservation_minutes", "sweep_interval_seconds"});
    CatalogSettings settings;
    section.read_duration<std::chrono::minutes>("reservation_minutes", settings.reservation_ttl);
    section.read_duration<std::chrono::seconds>("sweep_interval_seconds", settings.sweep_interval);
    if (settings.reservation_ttl < std::chrono::minutes(1)) throw kernel::ConfigError("catalog.reservation_minutes must be at least 1");
    if (settings.sweep_interval < std::chrono::seconds(1)) throw kernel::ConfigError("catalog.sweep_interval_seconds must be at least 1");
    return settings;
}

}  // namespace mercato::catalog
