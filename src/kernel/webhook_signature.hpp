// The Mercato-Signature scheme of provider callbacks: "t=<unix>,v1=<hex HMAC-SHA256 of t.body>", with
// several v1 values while a secret is rotated.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::payments {

inline constexpr const char* signature_header = "mercato-signature";

// The header value signing body at unix time t with secret.
std::string sign_webhook(std::string_view body, std::string_view secret, std::int64_t t);

// Problem 401 unless header carries a timestamp within tolerance of now and a v1 value that one of
// secrets makes of "t.body"; the comparison takes the same time whatever bytes differ.
void verify_webhook_signature(std::string_view header, std::string_view body, const std::vector<std::string>& secrets,
                              std::int64_t now, std::chrono::seconds tolerance);

}  // namespace mercato::payments
