// Password policy for sign-up and password changes: length in code points, valid UTF-8, not a common password.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mercato::kernel::auth {

// Lengths count Unicode code points, so a password in any script gets the same allowance.
struct PasswordRules {
    std::size_t min_length = 8;
    // Longer passwords are refused rather than truncated, so what the user typed is what gets hashed.
    std::size_t max_length = 128;
};

// nullopt when the password is acceptable; otherwise the message for the API's 422 "errors" entry
// (e.g. "must be at least 8 characters", "is too common; choose another", "must be valid UTF-8").
std::optional<std::string> password_problem(std::string_view password, const PasswordRules& rules = {});

// Whether the password, ignoring the case of ASCII letters, is among the 10,000 most common passwords.
bool is_common_password(std::string_view password);

}  // namespace mercato::kernel::auth
