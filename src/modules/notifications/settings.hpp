// The [notifications] section of the configuration: its keys, their checks, and what they make: the
// facade's settings and the channels messages go out by.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "kernel/settings_section.hpp"
#include "modules/notifications/api/notifications.hpp"

namespace mercato::notifications {

struct NotificationsModuleSettings {
    // The templates' language and folder, the shop's name in messages, and how failed deliveries are retried.
    NotificationsSettings notifications;
    // The SMTP server; no host: emails are written to the log instead.
    std::string smtp_host;
    int smtp_port = 587;
    std::string smtp_from;
    std::string smtp_username;
    std::string smtp_password;
    std::string smtp_tls = "starttls";  // off | starttls | tls
    std::chrono::milliseconds smtp_timeout{10'000};
    // The shop's webhook endpoints and the secret that signs what is posted to them; no endpoints: no webhook channel.
    std::vector<std::string> webhook_urls;
    std::string webhook_secret;
};

// Reads language, templates_dir, shop_name, smtp_* (smtp_password replaced by MERCATO_SMTP_PASSWORD),
// webhook_urls, webhook_secret (replaced by MERCATO_NOTIFICATIONS_WEBHOOK_SECRET), max_attempts,
// backoff_initial_ms and backoff_max_ms. Throws kernel::ConfigError for an unknown key, a value of the
// wrong type, or one that cannot be used.
NotificationsModuleSettings read_notifications_settings(const kernel::SettingsSection& section);

}  // namespace mercato::notifications
