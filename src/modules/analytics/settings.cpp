#include "modules/analytics/settings.hpp"

namespace mercato::analytics {

AnalyticsSettings read_analytics_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"retention_days"});
    AnalyticsSettings settings;
    section.read_duration<std::chrono::days>("retention_days", settings.retention);
    if (settings.retention < std::chrono::days(1)) throw kernel::ConfigError("analytics.retention_days must be at least 1");
    return settings;
}

}  // namespace mercato::analytics
