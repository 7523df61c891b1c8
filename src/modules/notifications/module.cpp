#include "modules/notifications/module.hpp"

#include "kernel/settings_section.hpp"
#include "modules/notifications/channels/log_channel.hpp"
#include "modules/notifications/channels/smtp_channel.hpp"
#include "modules/notifications/channels/webhook_channel.hpp"
#include "modules/notifications/http/notification_routes.hpp"

namespace mercato::notifications {

namespace {

std::vector<std::unique_ptr<Channel>> channels_of(const NotificationsModuleSettings& settings) {
    std::vector<std::unique_ptr<Channel>> channels;
    if (settings.smtp.host.empty()) {
        channels.push_back(std::make_unique<LogChannel>("email", "no SMTP server is configured"));
    } else {
        channels.push_back(std::make_unique<SmtpChannel>(settings.smtp));
    }
    channels.push_back(std::make_unique<LogChannel>("sms", "no sms provider is configured"));
    channels.push_back(std::make_unique<LogChannel>("push", "no push provider is configured"));
    if (!settings.webhook.urls.empty()) channels.push_back(std::make_unique<WebhookChannel>(settings.webhook));
    return channels;
}

// The channels refuse settings they cannot use (a sender that is no address, a URL that is not
// http): that is a configuration error, said at start-up.
std::vector<std::unique_ptr<Channel>> checked_channels_of(const NotificationsModuleSettings& settings) {
    try {
        return channels_of(settings);
    } catch (const std::invalid_argument& e) {
        throw kernel::ConfigError(std::string("notifications: ") + e.what());
    }
}

}  // namespace

NotificationsModule::NotificationsModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, users::Users& users,
                                         NotificationsModuleSettings settings)
    : notifications_(std::move(db), bus, users, checked_channels_of(settings), settings.notifications),
      dispatcher_("delivering notifications", settings.notifications.poll_interval, [this] {
          // More may be due after a batch: go again at once, one batch a run, so a stop waits for one batch only.
          if (notifications_.deliver_due() > 0) dispatcher_.wake();
      }) {
    notifications_.when_queued([this] { dispatcher_.wake(); });
    notifications_.follow_events(bus);
}

void NotificationsModule::register_routes(http::Router& router) { register_notification_routes(router, notifications_); }

}  // namespace mercato::notifications
