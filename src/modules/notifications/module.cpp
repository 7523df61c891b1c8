#include "modules/notifications/module.hpp"

#include "kernel/config.hpp"
#include "modules/notifications/channels/log_channel.hpp"
#include "modules/notifications/channels/smtp_channel.hpp"
#include "modules/notifications/channels/webhook_channel.hpp"
#include "modules/notifications/http/notification_routes.hpp"

namespace mercato::notifications {

namespace {

std::vector<std::unique_ptr<Channel>> channels_of(const kernel::Config& config) {
    std::vector<std::unique_ptr<Channel>> channels;
    if (config.smtp_host.empty()) {
        channels.push_back(std::make_unique<LogChannel>("email", "no SMTP server is configured"));
    } else {
        SmtpSettings smtp;
        smtp.host = config.smtp_host;
        smtp.port = config.smtp_port;
        smtp.from = config.smtp_from;
        smtp.username = config.smtp_username;
        smtp.password = config.smtp_password;
        smtp.tls = config.smtp_tls;
        smtp.timeout_ms = config.smtp_timeout_ms;
        channels.push_back(std::make_unique<SmtpChannel>(smtp));
    }
    channels.push_back(std::make_unique<LogChannel>("sms", "no sms provider is configured"));
    channels.push_back(std::make_unique<LogChannel>("push", "no push provider is configured"));
    if (!config.notifications_webhook_urls.empty()) {
        WebhookSettings webhook;
        webhook.urls = config.notifications_webhook_urls;
        webhook.secret = config.notifications_webhook_secret;
        channels.push_back(std::make_unique<WebhookChannel>(webhook));
    }
    return channels;
}

// The channels refuse settings they cannot use (a sender that is no address, a URL that is not
// http): that is a configuration error, said at start-up.
std::vector<std::unique_ptr<Channel>> checked_channels_of(const kernel::Config& config) {
    try {
        return channels_of(config);
    } catch (const std::invalid_argument& e) {
        throw kernel::ConfigError(std::string("notifications: ") + e.what());
    }
}

NotificationsSettings settings_of(const kernel::Config& config) {
    NotificationsSettings settings;
    settings.language = config.notifications_language;
    settings.templates_dir = config.notifications_templates_dir;
    settings.shop_name = config.notifications_shop_name;
    settings.max_attempts = config.notifications_max_attempts;
    settings.backoff_initial = std::chrono::milliseconds(config.notifications_backoff_initial_ms);
    settings.backoff_max = std::chrono::milliseconds(config.notifications_backoff_max_ms);
    return settings;
}

}  // namespace

NotificationsModule::NotificationsModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, users::Users& users,
                                         const kernel::Config& config)
    : notifications_(std::move(db), bus, users, checked_channels_of(config), settings_of(config)),
      dispatcher_("delivering notifications", settings_of(config).poll_interval, [this] {
          // More may be due after a batch: go again at once, one batch a run, so a stop waits for one batch only.
          if (notifications_.deliver_due() > 0) dispatcher_.wake();
      }) {
    notifications_.when_queued([this] { dispatcher_.wake(); });
    notifications_.follow_events(bus);
}

void NotificationsModule::register_routes(http::Router& router) { register_notification_routes(router, notifications_); }

}  // namespace mercato::notifications
