// Email addresses as accounts use them: trimmed, lower-cased, and plausible enough to mail.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mercato::users {

// The normalised address, or nullopt when it cannot be an address (no single '@', empty parts,
// no dot in the domain, spaces or control characters, longer than 254).
std::optional<std::string> normalize_email(std::string_view text);

}  // namespace mercato::users
