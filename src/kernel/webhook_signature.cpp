#include "kernel/webhook_signature.hpp"

#include <charconv>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "kernel/hashing.hpp"
#include "kernel/problem.hpp"

namespace mercato::kernel {

namespace {


Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
    Sha256Digest out{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         out.data(), &length);
    return out;
}

std::string signed_text(std::string_view body, std::string_view t) { return fmt::format("{}.{}", t, body); }

}  // namespace

std::string sign_webhook(std::string_view body, std::string_view secret, std::int64_t t) {
    const auto stamp = std::to_string(t);
    return fmt::format("t={},v1={}", stamp, hex_encode(hmac_sha256(secret, signed_text(body, stamp))));
}

void verify_webhook_signature(std::string_view header, std::string_view body, const std::vector<std::string>& secrets,
                              std::int64_t now, std::chrono::seconds tolerance) {
    if (secrets.empty()) throw Problem::unauthorized("no webhook secret is configured; callbacks cannot be verified");
    if (header.empty()) throw Problem::unauthorized("the Mercato-Signature header is missing");
    std::string_view stamp;
    std::vector<std::string> signatures;
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view part = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        if (part.starts_with("t=")) stamp = part.substr(2);
        if (part.starts_with("v1=")) {
            if (auto bytes = hex_decode(part.substr(3)); bytes && bytes->size() == Sha256Digest{}.size()) {
                signatures.push_back(std::move(*bytes));
            }
        }
    }
    std::int64_t t = 0;
    const auto [end, ec] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), t);
    if (stamp.empty() || ec != std::errc() || end != stamp.data() + stamp.size() || signatures.empty()) {
        throw Problem::unauthorized("the Mercato-Signature header is not t=<unix time>,v1=<hex signature>");
    }
    // t is the sender's to choose: compared against a window around now, it cannot overflow a subtraction.
    if (t < now - tolerance.count() || t > now + tolerance.count()) {
        throw Problem::unauthorized(fmt::format("the signature was made at unix time {}, now is {}; at most {} s apart are allowed",
                                                t, now, tolerance.count()));
    }
    const auto text = signed_text(body, stamp);
    bool valid = false;
    for (const auto& secret : secrets) {
        const auto expected = hmac_sha256(secret, text);
        for (const auto& given : signatures) {
            valid |= CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
        }
    }
    if (!valid) throw Problem::unauthorized("the signature does not match the body with any configured secret");
}

}  // namespace mercato::kernel
