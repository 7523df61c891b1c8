// The Mercato-Signature scheme of signed callbacks (payment providers, carriers): "t=<unix>,v1=<hex HMAC-SHA256 of t.body>", with
// several v1 values while a secret is rotated.
#pragma once

#include <chrono>
#include <utility>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::kernel {

inline constexpr const char* signature_header = "mercato-signature";

// What a signature is checked against: the secrets trusted, how far from now it may be, and now.
struct SignatureCheck {
    std::vector<std::string> secrets;
    std::chrono::seconds tolerance{300};
    std::int64_t now = 0;  // unix seconds
};

inline SignatureCheck signature_check(std::vector<std::string> secrets, std::chrono::seconds tolerance,
                                      std::chrono::system_clock::time_point now) {
    return {std::move(secrets), tolerance, std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()};
}

// The header value signing body at unix time t with secret.
std::string sign_webhook(std::string_view body, std::string_view secret, std::int64_t t);

// Problem 401 unless header carries a timestamp within tolerance of now and a v1 value that one of
// secrets makes of "t.body"; the comparison takes the same time whatever bytes differ.
void verify_webhook_signature(std::string_view header, std::string_view body, const std::vector<std::string>& secrets,
                              std::int64_t now, std::chrono::seconds tolerance);

}  // namespace mercato::kernel
