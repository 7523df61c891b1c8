// The [notifications] section of the configuration: its keys, their checks, and what they make: the
// facade's settings and the channels messages go out by.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/notifications/channel_settings.hpp"
#include "modules/notifications/api/notifications.hpp"

namespace mercato::notifications {

struct NotificationsModuleSettings {
    // The templates' language and folder, the shop's name in messages, and how failed deliveries are retried.
    NotificationsSettings notifications;
    // The SMTP server (smtp_* keys): no host, and emails are written to the log instead; the
    // submission port unless another is named.
    SmtpSettings smtp = [] {
        SmtpSettings unset;
        unset.host.clear();
        unset.port = 587;
        return unset;
    }();
    // The shop's webhook endpoints and the secret that signs what is posted to them; no endpoints: no webhook channel.
    WebhookSettings webhook;
};

// Reads language, templates_dir, shop_name, smtp_* (smtp_password replaced by MERCATO_SMTP_PASSWORD),
// webhook_urls, webhook_secret (replaced by MERCATO_NOTIFICATIONS_WEBHOOK_SECRET), max_attempts,
// backoff_initial_ms and backoff_max_ms. Throws kernel::ConfigError for an unknown key, a value of the
// wrong type, or one that cannot be used.
NotificationsModuleSettings read_notifications_settings(const kernel::SettingsSection& section);

}  // namespace mercato::notifications
