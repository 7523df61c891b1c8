#include "kernel/auth/jwt.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "kernel/hashing.hpp"

namespace mercato::kernel::auth {
namespace {

using nlohmann::json;

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kAlgorithm = "EdDSA";
constexpr std::int64_t kMaxLeewaySeconds = 60;
constexpr std::size_t kKidDigestBytes = 8;

using Signature = std::array<unsigned char, 64>;

struct PkeyFree {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::span<const unsigned char> as_bytes(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

std::string encode_text(std::string_view text) { return base64url_encode(as_bytes(text)); }

int alphabet_index(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

std::string key_id(const KeyBytes& public_key) {
    const Sha256Digest digest =
        sha256(std::string_view(reinterpret_cast<const char*>(public_key.data()), public_key.size()));
    return "k_" + hex_encode(std::span(digest).first(kKidDigestBytes));
}

Signature sign_ed25519(std::string_view message, const KeyBytes& seed) {
    const Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    const MdCtx ctx(EVP_MD_CTX_new());
    Signature signature{};
    std::size_t length = signature.size();
    // PureEdDSA hashes the message itself, so there is no digest to name and only one-shot signing exists.
    const bool signed_ok = key && ctx && EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
                           EVP_DigestSign(ctx.get(), signature.data(), &length, as_bytes(message).data(),
                                          message.size()) == 1 &&
                           length == signature.size();
    if (!signed_ok) throw std::runtime_error("Ed25519 signing failed");
    return signature;
}

bool verify_ed25519(std::string_view message, std::string_view signature, const KeyBytes& public_key) {
    if (signature.size() != Signature{}.size()) return false;
    const Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
    const MdCtx ctx(EVP_MD_CTX_new());
    const bool valid = key && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
                       EVP_DigestVerify(ctx.get(), as_bytes(signature).data(), signature.size(),
                                        as_bytes(message).data(), message.size()) == 1;
    // A forged token is an expected outcome, not an error: leaving it queued would be blamed on
    // whatever OpenSSL call this thread makes next.
    ERR_clear_error();
    return valid;
}

std::optional<std::array<std::string_view, 3>> split_parts(std::string_view token) {
    const std::size_t first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const std::size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
    return std::array{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

std::optional<json> decode_object(std::string_view part) {
    const std::optional<std::string> text = base64url_decode(part);
    if (!text) return std::nullopt;
    json value = json::parse(*text, nullptr, false);
    if (!value.is_object()) return std::nullopt;
    return value;
}

// The kid the header names, or why the header is refused.
std::variant<std::string, JwtError> check_header(const json& header) {
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string() || alg->get_ref<const std::string&>() != kAlgorithm) {
        return JwtError::algorithm;
    }
    // No header extension is understood, so a critical one can never be honoured (RFC 7515 §4.1.11).
    if (header.contains("crit")) return JwtError::malformed;
    const auto typ = header.find("typ");
    if (typ != header.end() && (!typ->is_string() || typ->get_ref<const std::string&>() != "JWT")) {
        return JwtError::malformed;
    }
    const auto kid = header.find("kid");
    if (kid == header.end() || !kid->is_string()) return JwtError::unknown_key;
    return kid->get<std::string>();
}

std::optional<std::string> string_claim(const json& payload, const char* name) {
    const auto it = payload.find(name);
    if (it == payload.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// Only JSON integers count: "1.7e9" or "1700000000" in quotes are refused rather than coerced.
std::optional<std::int64_t> integer_claim(const json& payload, const char* name) {
    const auto it = payload.find(name);
    if (it == payload.end()) return std::nullopt;
    if (it->is_number_unsigned()) {
        const auto value = it->get<std::uint64_t>();
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        return static_cast<std::int64_t>(value);
    }
    if (it->is_number_integer()) return it->get<std::int64_t>();
    return std::nullopt;
}

// "aud" may name one audience or several (RFC 7519 §4.1.3).
std::optional<std::vector<std::string>> audience_claim(const json& payload) {
    const auto it = payload.find("aud");
    if (it == payload.end()) return std::nullopt;
    if (it->is_string()) return std::vector{it->get<std::string>()};
    if (!it->is_array()) return std::nullopt;
    std::vector<std::string> audiences;
    for (const json& entry : *it) {
        if (!entry.is_string()) return std::nullopt;
        audiences.push_back(entry.get<std::string>());
    }
    return audiences;
}

struct Payload {
    Claims claims;
    std::vector<std::string> audiences;
    std::optional<std::int64_t> nbf;
};

std::optional<Payload> read_payload(const json& payload) {
    auto sub = string_claim(payload, "sub");
    auto role = string_claim(payload, "role");
    auto iss = string_claim(payload, "iss");
    auto jti = string_claim(payload, "jti");
    auto audiences = audience_claim(payload);
    const auto iat = integer_claim(payload, "iat");
    const auto exp = integer_claim(payload, "exp");
    if (!sub || !role || !iss || !jti || !audiences || !iat || !exp) return std::nullopt;
    Payload result{.claims = {.sub = std::move(*sub),
                              .role = std::move(*role),
                              .iss = std::move(*iss),
                              .aud = {},
                              .jti = std::move(*jti),
                              .iat = *iat,
                              .exp = *exp},
                   .audiences = std::move(*audiences),
                   .nbf = std::nullopt};
    if (payload.contains("nbf")) {
        result.nbf = integer_claim(payload, "nbf");
        if (!result.nbf) return std::nullopt;
    }
    return result;
}

// Claims are attacker-chosen integers, so the leeway must not overflow them.
std::int64_t plus_leeway(std::int64_t seconds, std::int64_t leeway) {
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    return seconds > max - leeway ? max : seconds + leeway;
}

std::optional<JwtError> check_payload(const Payload& payload, const VerifyOptions& options) {
    // Leeway only absorbs clock skew; a caller asking for hours would keep expired tokens alive.
    const std::int64_t leeway = std::clamp<std::int64_t>(options.leeway_seconds, 0, kMaxLeewaySeconds);
    if (options.now > plus_leeway(payload.claims.exp, leeway)) return JwtError::expired;
    const std::int64_t latest_start = plus_leeway(options.now, leeway);
    if (payload.claims.iat > latest_start) return JwtError::not_yet_valid;
    if (payload.nbf && *payload.nbf > latest_start) return JwtError::not_yet_valid;
    if (payload.claims.iss != options.issuer) return JwtError::issuer;
    if (std::ranges::find(payload.audiences, options.audience) == payload.audiences.end()) return JwtError::audience;
    return std::nullopt;
}

}  // namespace

SigningKey generate_signing_key() {
    // An Ed25519 private key is any 32 random bytes (RFC 8032 §5.1.5), so drawing a seed is key generation.
    KeyBytes seed{};
    if (RAND_priv_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
        throw std::runtime_error("no randomness for an Ed25519 key");
    }
    SigningKey key = signing_key_from_private(seed);
    OPENSSL_cleanse(seed.data(), seed.size());
    return key;
}

SigningKey signing_key_from_private(std::span<const unsigned char, 32> seed) {
    const Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    SigningKey key;
    std::ranges::copy(seed, key.private_key.begin());
    std::size_t length = key.public_key.size();
    if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), key.public_key.data(), &length) != 1 ||
        length != key.public_key.size()) {
        throw std::runtime_error("cannot derive an Ed25519 public key");
    }
    key.kid = key_id(key.public_key);
    return key;
}

std::string sign_jwt(const Claims& claims, const SigningKey& key) {
    const json header = {{"alg", kAlgorithm}, {"typ", "JWT"}, {"kid", key.kid}};
    const json payload = {{"sub", claims.sub}, {"role", claims.role}, {"iss", claims.iss}, {"aud", claims.aud},
                          {"jti", claims.jti}, {"iat", claims.iat},   {"exp", claims.exp}};
    const std::string signing_input = encode_text(header.dump()) + '.' + encode_text(payload.dump());
    return signing_input + '.' + base64url_encode(sign_ed25519(signing_input, key.private_key));
}

std::variant<Claims, JwtError> verify_jwt(std::string_view token, const PublicKeys& public_keys,
                                          const VerifyOptions& options) {
    const auto parts = split_parts(token);
    if (!parts) return JwtError::malformed;
    const auto& [header_part, payload_part, signature_part] = *parts;
    const std::optional<json> header = decode_object(header_part);
    const std::optional<json> payload = decode_object(payload_part);
    const std::optional<std::string> signature = base64url_decode(signature_part);
    if (!header || !payload || !signature) return JwtError::malformed;

    const auto kid = check_header(*header);
    if (const auto* error = std::get_if<JwtError>(&kid)) return *error;
    const auto key = public_keys.find(std::get<std::string>(kid));
    if (key == public_keys.end()) return JwtError::unknown_key;

    const std::string_view signing_input = token.substr(0, header_part.size() + 1 + payload_part.size());
    if (!verify_ed25519(signing_input, *signature, key->second)) return JwtError::signature;

    std::optional<Payload> fields = read_payload(*payload);
    if (!fields) return JwtError::claims;
    if (const auto error = check_payload(*fields, options)) return *error;
    // "aud" may list several audiences; the caller learns the one it asked for and got.
    fields->claims.aud = options.audience;
    return std::move(fields->claims);
}

std::string jwks_json(const std::vector<SigningKey>& keys) {
    json entries = json::array();
    for (const SigningKey& key : keys) {
        json entry = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64url_encode(key.public_key)},
                      {"kid", key.kid}, {"use", "sig"},     {"alg", kAlgorithm}};
        entries.push_back(std::move(entry));
    }
    return json{{"keys", std::move(entries)}}.dump();
}

std::string base64url_encode(std::span<const unsigned char> bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    // One leftover character carries only 6 bits, never a whole byte.
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const int value = alphabet_index(c);
        if (value < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    // Non-zero leftover bits would let several texts decode to the same bytes, so one signature
    // could travel as many distinct tokens.
    if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace mercato::kernel::auth
