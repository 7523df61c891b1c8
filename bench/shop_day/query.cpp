// Percent-encoding for the shop-day driver's query strings.
#include "query.hpp"

#include <cctype>

#include <fmt/format.h>

namespace shop_day {

std::string url_encode(std::string_view value) {
    std::string out;
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", byte);
        }
    }
    return out;
}

}  // namespace shop_day
