#include "modules/users/domain/email.hpp"

#include <algorithm>

namespace mercato::users {

std::optional<std::string> normalize_email(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return std::nullopt;
    text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    if (text.size() > 254) return std::nullopt;
    std::string email(text);
    // Lower-casing the local part too: mailboxes that differ only in case are the same person in practice.
    std::transform(email.begin(), email.end(), email.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    const auto at = email.find('@');
    if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) return std::nullopt;
    const std::string_view domain = std::string_view(email).substr(at + 1);
    const auto dot = domain.find('.');
    if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.') return std::nullopt;
    if (std::any_of(email.begin(), email.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) return std::nullopt;
    return email;
}

}  // namespace mercato::users
