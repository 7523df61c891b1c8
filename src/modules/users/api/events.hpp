// The users module's events: the topics of its log, keyed by user id, and what each payload holds.
#pragma once

#include "kernel/bus/event_contract.hpp"

namespace mercato::users {

inline constexpr const char* topic_registered = "users.registered";
// The notifications module mails the token; nothing else ever shows it.
inline constexpr const char* topic_password_reset_requested = "users.password-reset-requested";

namespace event_fields {

using kernel::bus::EventField;
using enum kernel::bus::FieldKind;
using enum kernel::bus::Presence;

// A new account: a customer who registered, or an admin made from the command line.
inline constexpr EventField registered[] = {{"user_id", string}, {"email", string}, {"name", string}};
inline constexpr EventField password_reset_requested[] = {
    {"user_id", string}, {"email", string},
    {"token", string},       // the secret that resets the password, once
    {"expires_at", string},  // RFC 3339
};

}  // namespace event_fields

inline constexpr kernel::bus::EventContract event_contracts[] = {
    {topic_registered, "users", event_fields::registered},
    {topic_password_reset_requested, "users", event_fields::password_reset_requested},
};

}  // namespace mercato::users
