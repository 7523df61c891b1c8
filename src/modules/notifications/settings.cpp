#include "modules/notifications/settings.hpp"

#include <fmt/format.h>

namespace mercato::notifications {

namespace {

void check(const NotificationsModuleSettings& s) {
    const auto& n = s.notifications;
    if (n.language.empty()) throw kernel::ConfigError("notifications.language must not be empty");
    const auto& smtp = s.smtp;
    if (smtp.tls != "off" && smtp.tls != "starttls" && smtp.tls != "tls") {
        throw kernel::ConfigError(fmt::format("notifications.smtp_tls '{}' is not off, starttls or tls", smtp.tls));
    }
    if (smtp.port < 1 || smtp.port > 65535) throw kernel::ConfigError("notifications.smtp_port must be 1 to 65535");
    if (!smtp.host.empty() && smtp.from.empty()) {
        throw kernel::ConfigError("notifications.smtp_from must name the sender when notifications.smtp_host is set");
    }
    if (smtp.timeout_ms < 100) throw kernel::ConfigError("notifications.smtp_timeout_ms must be at least 100");
    if (!s.webhook.urls.empty() && s.webhook.secret.size() < 16) {
        throw kernel::ConfigError("notifications.webhook_secret must be at least 16 characters when webhook_urls are set");
    }
    if (n.max_attempts < 1 || n.max_attempts > 20) throw kernel::ConfigError("notifications.max_attempts must be 1 to 20");
    if (n.backoff_initial < std::chrono::milliseconds(10) || n.backoff_max < n.backoff_initial) {
        throw kernel::ConfigError("notifications.backoff_initial_ms must be at least 10 and no more than notifications.backoff_max_ms");
    }
}

}  // namespace

NotificationsModuleSettings read_notifications_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"language", "templates_dir", "shop_name", "smtp_host", "smtp_port", "smtp_from", "smtp_username",
                        "smtp_password", "smtp_tls", "smtp_timeout_ms", "webhook_urls", "webhook_secret", "max_attempts",
                        "backoff_initial_ms", "backoff_max_ms"});
    NotificationsModuleSettings s;
    auto& n = s.notifications;
    section.read("language", n.language);
    section.read("templates_dir", n.templates_dir);
    section.read("shop_name", n.shop_name);
    section.read("smtp_host", s.smtp.host);
    section.read("smtp_port", s.smtp.port);
    section.read("smtp_from", s.smtp.from);
    section.read("smtp_username", s.smtp.username);
    section.read("smtp_password", s.smtp.password);
    section.read("smtp_tls", s.smtp.tls);
    section.read("smtp_timeout_ms", s.smtp.timeout_ms);
    section.read_strings("webhook_urls", s.webhook.urls);
    section.read("webhook_secret", s.webhook.secret);
    section.read("max_attempts", n.max_attempts);
    section.read_duration<std::chrono::milliseconds>("backoff_initial_ms", n.backoff_initial);
    section.read_duration<std::chrono::milliseconds>("backoff_max_ms", n.backoff_max);
    if (auto password = section.env("MERCATO_SMTP_PASSWORD")) s.smtp.password = *password;
    if (auto secret = section.env("MERCATO_NOTIFICATIONS_WEBHOOK_SECRET")) s.webhook.secret = *secret;
    check(s);
    return s;
}

}  // namespace mercato::notifications
