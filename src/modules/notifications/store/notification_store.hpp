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
// Takes up to limit queued messages due at now (the longest due first) for one sender by moving their
// next attempt to lease_until, and returns them in the order they were queued. A message another
// sender holds is not due, so no two senders take the same one.
std::vector<Outgoing> lease_due_notifications(soci::session& session, const std::string& now, const std::string& lease_until,
                                              std::size_t limit);
// Hands back a message leased until lease_until and not tried: due again at now. Nothing changes if
// the lease is no longer this sender's.
void release_notification(soci::session& session, const std::string& id, const std::string& lease_until, const std::string& now);
// Records an attempt: its status, error and next attempt; a sensitive message's bodies are emptied once it is done.
void record_attempt(soci::session& session, const Outgoing& message);
// Newest first; all users' when user_id is nullopt. Problem 422 for a foreign cursor.
kernel::Page<Notification> select_notifications(soci::session& session, const std::optional<std::string>& user_id, std::size_t limit,
                                      const std::string& cursor);

std::optional<Preferences> find_preferences(soci::session& session, const std::string& user_id);
void save_preferences(soci::session& session, const std::string& user_id, const Preferences& preferences, const std::string& at);

}  // namespace mercato::notifications
