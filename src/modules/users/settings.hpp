// The [users] section of the configuration: its keys, their checks, and the UsersSettings they make.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/users/api/users.hpp"

namespace mercato::users {

// The Argon2id costs of a password hash (password_memory_kib, password_passes), and who access tokens
// are from and for (token_issuer, token_audience). Throws kernel::ConfigError for an unknown key, a
// value of the wrong type, or one that cannot be used.
UsersSettings read_users_settings(const kernel::SettingsSection& section);

}  // namespace mercato::users
