#include "modules/notifications/settings.hpp"

#include <fmt/format.h>

namespace mercato::notifications {

namespace {

void check(const NotificationsModuleSettings& s) {
    const auto& n = s.notifications;
    if (n.language.empty()) throw kernel::ConfigError("notifications.language must not be empty");
    if (s.smtp_tls != "off" && s.smtp_tls != "starttls" && s.smtp_tls != "tls") {
        throw kernel::ConfigError(fmt::format("notifications.smtp_tls '{}' is not off, starttls or tls", s.smtp_tls));
    }
    if (s.smtp_port < 1 || s.smtp_port > 65535) throw kernel::ConfigError("notifications.smtp_port must be 1 to 65535");
    if (!s.smtp_host.empty() && s.smtp_from.empty()) {
        throw kernel::ConfigError("notifications.smtp_from must name the sender when notifications.smtp_host is set");
    }
    if (s.smtp_timeout < std::chrono::milliseconds(100)) throw kernel::ConfigError("notifications.smtp_timeout_ms must be at least 100");
    if (!s.webhook_urls.empty() && s.webhook_secret.size() < 16) {
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
    section.read("smtp_host", s.smtp_host);
    section.read("smtp_port", s.smtp_port);
    section.read("smtp_from", s.smtp_from);
    section.read("smtp_username", s.smtp_username);
    section.read("smtp_password", s.smtp_password);
    section.read("smtp_tls", s.smtp_tls);
    section.read_duration<std::chrono::milliseconds>("smtp_timeout_ms", s.smtp_timeout);
    section.read_strings("webhook_urls", s.webhook_urls);
    section.read("webhook_secret", s.webhook_secret);
    section.read("max_attempts", n.max_attempts);
    section.read_duration<std::chrono::milliseconds>("backoff_initial_ms", n.backoff_initial);
    section.read_duration<std::chrono::milliseconds>("backoff_max_ms", n.backoff_max);
    if (auto password = section.env("MERCATO_SMTP_PASSWORD")) s.smtp_password = *password;
    if (auto secret = section.env("MERCATO_NOTIFICATIONS_WEBHOOK_SECRET")) s.webhook_secret = *secret;
    check(s);
    return s;
}

}  // namespace mercato::notifications
