// SQL over the notifications schema: messages with their delivery state, and preferences.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "modules/notifications/api/notifications.hpp"

namespace soci {
class session;
}

namespace mercato::notifications {

// A message as stored: what the history shows, and what its channel needs to send it.
struct Outgoing {
    Notification notification;
    std::string recipient;
    std::string body_text;
    std::string body_html;
    std::string payload;
    std::optional<std::string> source_event_id;
    bool sensitive = false;
    std::string next_attempt_at;
};

// False when the event had a message on this channel already (a redelivery).
bool insert_notification(soci::session& session, const Outgoing& message);
std::optional<Outgoing> find_notification(soci::session& session, const std::string& id);
// Queued messages due at now, oldest first.
std::vector<std::string> due_notifications(soci::session& session, const std::string& now, std::size_t limit);
// Takes a due message for one sender by moving its next attempt to lease_until; false if another
// sender took it first (or it is no longer due).
bool lease_notification(soci::session& session, const std::string& id, const std::string& now, const std::string& lease_until);
// Records an attempt: its status, error and next attempt; a sensitive message's bodies are emptied once it is done.
void record_attempt(soci::session& session, const Outgoing& message);
// Newest first; all users' when user_id is nullopt. Problem 422 for a foreign cursor.
kernel::Page<Notification> select_notifications(soci::session& session, const std::optional<std::string>& user_id, std::size_t limit,
                                      const std::string& cursor);

std::optional<Preferences> find_preferences(soci::session& session, const std::string& user_id);
void save_preferences(soci::session& session, const std::string& user_id, const Preferences& preferences, const std::string& at);

}  // namespace mercato::notifications
