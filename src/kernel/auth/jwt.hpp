// Access tokens: Ed25519-signed JWTs ("alg":"EdDSA", RFC 8037) and the JWKS that lets other services verify them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mercato::kernel::auth {

// Raw Ed25519 key material: a private key is its 32-byte seed, a public key its 32-byte encoded point.
using KeyBytes = std::array<unsigned char, 32>;

// Public keys a verifier trusts, by key id.
using PublicKeys = std::map<std::string, KeyBytes>;

// An Ed25519 signing key with its key id.
struct SigningKey {
    std::string kid;  // "k_" + the first 8 bytes of SHA-256(public_key) in hex, so a key names itself
    KeyBytes private_key{};
    KeyBytes public_key{};
};

// Throws std::runtime_error if OpenSSL cannot supply randomness.
SigningKey generate_signing_key();
// Recomputes the public key and kid of a stored seed.
SigningKey signing_key_from_private(std::span<const unsigned char, 32> seed);

struct Claims {
    std::string sub;  // user id
    std::string role;
    std::string iss;
    std::string aud;  // after verification: the audience that matched
    std::string jti;
    std::int64_t iat = 0;  // unix seconds
    std::int64_t exp = 0;  // unix seconds
};

// Header {"alg":"EdDSA","typ":"JWT","kid":<kid>}; returns base64url header.payload.signature without padding.
// Throws if a claim is not valid UTF-8, since JSON cannot carry it.
std::string sign_jwt(const Claims& claims, const SigningKey& key);

struct VerifyOptions {
    std::string issuer;
    std::string audience;
    std::int64_t now = 0;              // unix seconds
    std::int64_t leeway_seconds = 60;  // clock skew tolerated; clamped to [0, 60]
};

enum class JwtError { malformed, algorithm, unknown_key, signature, expired, not_yet_valid, issuer, audience, claims };

// Accepts only EdDSA tokens whose header kid names one of public_keys. Failures are returned, never thrown.
std::variant<Claims, JwtError> verify_jwt(std::string_view token, const PublicKeys& public_keys,
                                          const VerifyOptions& options);

// {"keys":[{"kty":"OKP","crv":"Ed25519","x":..,"kid":..,"use":"sig","alg":"EdDSA"}, ...]}: public parts only.
std::string jwks_json(const std::vector<SigningKey>& keys);

// RFC 4648 §5 without padding.
std::string base64url_encode(std::span<const unsigned char> bytes);
// nullopt on characters outside the alphabet (padding included), impossible lengths or non-zero trailing bits.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace mercato::kernel::auth
