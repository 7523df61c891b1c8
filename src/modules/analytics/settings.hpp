// The [analytics] section of the configuration: its keys, their checks, and the AnalyticsSettings they make.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/analytics/api/analytics.hpp"

namespace mercato::analytics {

// How many days raw events are kept (retention_days; rollups, which reports read, stay). Throws
// kernel::ConfigError for an unknown key, a value of the wrong type, or one that cannot be used.
AnalyticsSettings read_analytics_settings(const kernel::SettingsSection& section);

}  // namespace mercato::analytics
