// The notifications module's facade: customer messages made from business events (welcome, order
// confirmation, payment, shipment, delivery, password reset) and by admins, delivered through their
// channels with retries, a history per user, and each user's opt-out of promotional messages.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/page.hpp"

namespace mercato::kernel {
class Database;
namespace bus {
class Bus;
}
}  // namespace mercato::kernel

namespace mercato::users {
class Users;
}

namespace mercato::notifications {

class Channel;

inline constexpr const char* status_queued = "queued";
inline constexpr const char* status_sent = "sent";
inline constexpr const char* status_failed = "failed";
// A promotional message to a user who opted out: kept in the history, never sent.
inline constexpr const char* status_skipped = "skipped";

struct Notification {
    std::string id;
    std::string user_id;
    std::string channel;
    std::string kind;
    std::string subject;
    std::string status;
    std::optional<std::string> order_id;
    int attempts = 0;
    std::string last_error;  // "" when none
    std::string created_at;
    std::string updated_at;
};


struct AdHocMessage {
    std::string user_id;
    std::string channel;  // email, sms, push or webhook
    std::string subject;  // required for email
    std::string body;
    bool promotional = false;  // not sent to users who opted out of promotional messages
};

struct Preferences {
    bool promotional = true;  // transactional messages (orders, payments, shipping, security) are always sent
};

struct NotificationsSettings {
    std::string language = "en";  // of the templates
    std::string templates_dir;    // "" for the built-in templates (config/templates)
    std::string shop_name = "Mercato";
    int max_attempts = 6;
    std::chrono::milliseconds backoff_initial{2000};
    std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
    std::chrono::milliseconds poll_interval{1000};  // the dispatcher's safety net behind wake-ups
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// Calls block on the database: run them on worker threads. Failures are kernel::Problem: 422 for
// invalid input, 404 for what the caller may not see.
class Notifications {
public:
    // db must serve the "notifications" module; users tells names and addresses; channels are the
    // ways messages go out, by name. kernel::ConfigError for templates that cannot be used.
    Notifications(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, users::Users& users,
                  std::vector<std::unique_ptr<Channel>> channels, NotificationsSettings settings = {});
    ~Notifications();
    Notifications(const Notifications&) = delete;
    Notifications& operator=(const Notifications&) = delete;

    // An admin's message, queued (or skipped for a promotional one the user opted out of).
    Notification send(const AdHocMessage& message);
    // The user's notifications (every user's when user_id is nullopt), newest first.
    kernel::Page<Notification> history(const std::optional<std::string>& user_id, std::size_t limit, const std::string& cursor);
    Preferences preferences(const std::string& user_id);
    Preferences set_preferences(const std::string& user_id, const Preferences& preferences);

    // Subscribes to the events that notify customers, of the modules this process serves. Call before the bus starts.
    void follow_events(kernel::bus::Bus& bus);
    // Sends a batch of the messages that are due, each at most once at a time across server copies; a
    // failure is retried with backoff until max_attempts, then the message is failed. Returns how
    // many messages it took (0 when none was due).
    std::size_t deliver_due();
    // Called once a transaction that queued messages has committed, so the dispatcher sends them now.
    void when_queued(std::function<void()> wake);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::notifications
