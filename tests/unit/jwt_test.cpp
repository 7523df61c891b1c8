#include "kernel/auth/jwt.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

using mercato::kernel::auth::base64url_decode;
using mercato::kernel::auth::base64url_encode;
using mercato::kernel::auth::Claims;
using mercato::kernel::auth::generate_signing_key;
using mercato::kernel::auth::jwks_json;
using mercato::kernel::auth::JwtError;
using mercato::kernel::auth::KeyBytes;
using mercato::kernel::auth::PublicKeys;
using mercato::kernel::auth::sign_jwt;
using mercato::kernel::auth::signing_key_from_private;
using mercato::kernel::auth::SigningKey;
using mercato::kernel::auth::verify_jwt;
using mercato::kernel::auth::VerifyOptions;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::span<const unsigned char> bytes_of(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

std::string b64(std::string_view text) { return base64url_encode(bytes_of(text)); }

Claims sample_claims() {
    return {.sub = "usr_01HZX5J4G7QK9W2M3N4P5R6S7T",
            .role = "customer",
            .iss = "https://mercato.test",
            .aud = "mercato-api",
            .jti = "jti_01HZX5J4G7QK9W2M3N4P5R6S7V",
            .iat = kNow,
            .exp = kNow + 900};
}

json sample_payload() {
    const Claims c = sample_claims();
    return {{"sub", c.sub}, {"role", c.role}, {"iss", c.iss}, {"aud", c.aud},
            {"jti", c.jti}, {"iat", c.iat},   {"exp", c.exp}};
}

VerifyOptions sample_options() { return {.issuer = "https://mercato.test", .audience = "mercato-api", .now = kNow}; }

PublicKeys keyring(const SigningKey& key) { return {{key.kid, key.public_key}}; }

std::optional<JwtError> error_of(const std::variant<Claims, JwtError>& result) {
    if (const auto* error = std::get_if<JwtError>(&result)) return *error;
    return std::nullopt;
}

std::optional<JwtError> verify_error(std::string_view token, const SigningKey& key,
                                     const VerifyOptions& options = sample_options()) {
    return error_of(verify_jwt(token, keyring(key), options));
}

std::vector<std::string> split(const std::string& token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t dot = token.find('.'); dot != std::string::npos; dot = token.find('.', start)) {
        parts.push_back(token.substr(start, dot - start));
        start = dot + 1;
    }
    parts.push_back(token.substr(start));
    return parts;
}

json decode_json(const std::string& part) {
    const auto text = base64url_decode(part);
    REQUIRE(text.has_value());
    return json::parse(*text);
}

// Signs with OpenSSL directly rather than through sign_jwt, so tests can choose any header and payload.
std::string ed25519_signed(const json& header, const json& payload, const SigningKey& key) {
    const std::string input = b64(header.dump()) + "." + b64(payload.dump());
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, key.private_key.data(), key.private_key.size()),
        &EVP_PKEY_free);
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::array<unsigned char, 64> signature{};
    std::size_t length = signature.size();
    REQUIRE(pkey);
    REQUIRE(ctx);
    REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1);
    REQUIRE(EVP_DigestSign(ctx.get(), signature.data(), &length, bytes_of(input).data(), input.size()) == 1);
    return input + "." + base64url_encode(signature);
}

json eddsa_header(const SigningKey& key) { return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key.kid}}; }

std::string hs256_token(const SigningKey& key, std::string_view hmac_key) {
    const json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", key.kid}};
    const std::string input = b64(header.dump()) + "." + b64(sample_payload().dump());
    std::array<unsigned char, 32> mac{};
    unsigned int length = 0;
    REQUIRE(HMAC(EVP_sha256(), hmac_key.data(), static_cast<int>(hmac_key.size()), bytes_of(input).data(),
                 input.size(), mac.data(), &length) != nullptr);
    return input + "." + base64url_encode(std::span(mac.data(), length));
}

KeyBytes hex_key(std::string_view hex) {
    KeyBytes out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<unsigned char>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
    }
    return out;
}

}  // namespace

TEST_CASE("a signed token verifies and returns every claim it was signed with") {
    const SigningKey key = generate_signing_key();
    const Claims claims = sample_claims();
    const auto result = verify_jwt(sign_jwt(claims, key), keyring(key), sample_options());
    REQUIRE(std::holds_alternative<Claims>(result));
    const Claims& got = std::get<Claims>(result);
    CHECK(got.sub == claims.sub);
    CHECK(got.role == claims.role);
    CHECK(got.iss == claims.iss);
    CHECK(got.aud == claims.aud);
    CHECK(got.jti == claims.jti);
    CHECK(got.iat == claims.iat);
    CHECK(got.exp == claims.exp);
}

TEST_CASE("a signed token's header carries exactly alg EdDSA, typ JWT and the key's kid") {
    const SigningKey key = generate_signing_key();
    const auto parts = split(sign_jwt(sample_claims(), key));
    REQUIRE(parts.size() == 3);
    const json header = decode_json(parts[0]);
    CHECK(header.size() == 3);
    CHECK(header["alg"] == "EdDSA");
    CHECK(header["typ"] == "JWT");
    CHECK(header["kid"] == key.kid);
    CHECK(base64url_decode(parts[2])->size() == 64);
}

TEST_CASE("alg none with an empty signature is refused as the wrong algorithm") {
    const SigningKey key = generate_signing_key();
    const json header = {{"alg", "none"}, {"typ", "JWT"}, {"kid", key.kid}};
    const std::string token = b64(header.dump()) + "." + b64(sample_payload().dump()) + ".";
    CHECK(verify_error(token, key) == JwtError::algorithm);
}

TEST_CASE("alg None and other near misses of EdDSA are refused as the wrong algorithm") {
    const SigningKey key = generate_signing_key();
    for (const char* alg : {"None", "NONE", "eddsa", "EDDSA", "ES256", "Ed25519"}) {
        CAPTURE(alg);
        const json header = {{"alg", alg}, {"typ", "JWT"}, {"kid", key.kid}};
        const std::string token = b64(header.dump()) + "." + b64(sample_payload().dump()) + ".";
        CHECK(verify_error(token, key) == JwtError::algorithm);
    }
}

TEST_CASE("a header with a missing or non-string alg is refused as the wrong algorithm") {
    const SigningKey key = generate_signing_key();
    CHECK(verify_error(ed25519_signed({{"typ", "JWT"}, {"kid", key.kid}}, sample_payload(), key), key) ==
          JwtError::algorithm);
    CHECK(verify_error(ed25519_signed({{"alg", json::array({"EdDSA"})}, {"kid", key.kid}}, sample_payload(), key),
                       key) == JwtError::algorithm);
}

TEST_CASE("an HS256 token keyed with the raw public key bytes is refused as the wrong algorithm") {
    const SigningKey key = generate_signing_key();
    const std::string raw(reinterpret_cast<const char*>(key.public_key.data()), key.public_key.size());
    CHECK(verify_error(hs256_token(key, raw), key) == JwtError::algorithm);
}

TEST_CASE("an HS256 token keyed with the JWKS x text is refused as the wrong algorithm") {
    const SigningKey key = generate_signing_key();
    const std::string x = json::parse(jwks_json({key}))["keys"][0]["x"].get<std::string>();
    CHECK(verify_error(hs256_token(key, x), key) == JwtError::algorithm);
}

TEST_CASE("a token whose signature has one flipped byte is refused as a bad signature") {
    const SigningKey key = generate_signing_key();
    auto parts = split(sign_jwt(sample_claims(), key));
    std::string signature = *base64url_decode(parts[2]);
    signature[10] = static_cast<char>(signature[10] ^ 0x01);
    const std::string token = parts[0] + "." + parts[1] + "." + b64(signature);
    CHECK(verify_error(token, key) == JwtError::signature);
}

TEST_CASE("a token whose payload has one changed character is refused as a bad signature") {
    const SigningKey key = generate_signing_key();
    auto parts = split(sign_jwt(sample_claims(), key));
    const std::string original = *base64url_decode(parts[1]);
    // The 4th character of each base64 group holds the low 6 bits of the group's 3rd byte, so
    // changing it flips the low bit of one byte of "sub" and the payload stays valid JSON.
    std::size_t byte = original.find("usr_") + 6;
    while (byte % 3 != 2) ++byte;
    std::string& payload = parts[1];
    const std::size_t at = byte / 3 * 4 + 3;
    payload[at] = kAlphabet[kAlphabet.find(payload[at]) ^ 1];
    const json tampered = decode_json(payload);
    REQUIRE(tampered["sub"] != sample_claims().sub);
    CHECK(verify_error(parts[0] + "." + payload + "." + parts[2], key) == JwtError::signature);
}

TEST_CASE("a signature that is not exactly 64 bytes is refused as a bad signature") {
    const SigningKey key = generate_signing_key();
    auto parts = split(sign_jwt(sample_claims(), key));
    const std::string signature = *base64url_decode(parts[2]);
    CHECK(verify_error(parts[0] + "." + parts[1] + "." + b64(signature.substr(0, 63)), key) == JwtError::signature);
    CHECK(verify_error(parts[0] + "." + parts[1] + "." + b64(signature + '\0'), key) == JwtError::signature);
    CHECK(verify_error(parts[0] + "." + parts[1] + ".", key) == JwtError::signature);
}

TEST_CASE("the signature is checked before any claim, so a forged expired token reports the signature") {
    const SigningKey key = generate_signing_key();
    SigningKey impostor = generate_signing_key();
    impostor.kid = key.kid;
    Claims claims = sample_claims();
    claims.exp = kNow - 3600;
    CHECK(verify_error(sign_jwt(claims, impostor), key) == JwtError::signature);
}

TEST_CASE("a token signed by another key under the same kid is refused as a bad signature") {
    const SigningKey key = generate_signing_key();
    SigningKey impostor = generate_signing_key();
    impostor.kid = key.kid;
    CHECK(verify_error(sign_jwt(sample_claims(), impostor), key) == JwtError::signature);
}

TEST_CASE("a token expired by more than the leeway is refused as expired") {
    const SigningKey key = generate_signing_key();
    Claims claims = sample_claims();
    claims.iat = kNow - 1000;
    claims.exp = kNow - 61;
    CHECK(verify_error(sign_jwt(claims, key), key) == JwtError::expired);
}

TEST_CASE("a token expired by at most 60 seconds is still accepted") {
    const SigningKey key = generate_signing_key();
    Claims claims = sample_claims();
    claims.iat = kNow - 1000;
    for (const std::int64_t ago : {1, 30, 60}) {
        CAPTURE(ago);
        claims.exp = kNow - ago;
        CHECK(verify_error(sign_jwt(claims, key), key) == std::nullopt);
    }
}

TEST_CASE("a leeway option of 3600 is clamped to 60, so a token expired 120 s ago is refused") {
    const SigningKey key = generate_signing_key();
    Claims claims = sample_claims();
    claims.iat = kNow - 1000;
    claims.exp = kNow - 120;
    VerifyOptions options = sample_options();
    options.leeway_seconds = 3600;
    CHECK(verify_error(sign_jwt(claims, key), key, options) == JwtError::expired);
}

TEST_CASE("a negative leeway option counts as no leeway, not as a shortened lifetime") {
    const SigningKey key = generate_signing_key();
    Claims claims = sample_claims();
    claims.exp = kNow;
    VerifyOptions options = sample_options();
    options.leeway_seconds = -600;
    CHECK(verify_error(sign_jwt(claims, key), key, options) == std::nullopt);
    options.now = kNow + 1;
    CHECK(verify_error(sign_jwt(claims, key), key, options) == JwtError::expired);
}

TEST_CASE("a token issued more than the leeway in the future is refused as not yet valid") {
    const SigningKey key = generate_signing_key();
    Claims claims = sample_claims();
    claims.iat = kNow + 61;
    CHECK(verify_error(sign_jwt(claims, key), key) == JwtError::not_yet_valid);
    claims.iat = kNow + 60;
    CHECK(verify_error(sign_jwt(claims, key), key) == std::nullopt);
}

TEST_CASE("a token whose nbf lies beyond the leeway is refused as not yet valid") {
    const SigningKey key = generate_signing_key();
    json payload = sample_payload();
    payload["nbf"] = kNow + 61;
    CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::not_yet_valid);
    payload["nbf"] = kNow + 60;
    CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == std::nullopt);
}

TEST_CASE("expiry arithmetic does not overflow on extreme exp values") {
    const SigningKey key = generate_signing_key();
    json payload = sample_payload();
    payload["exp"] = INT64_MAX;
    CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == std::nullopt);
    payload["exp"] = INT64_MIN;
    CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::expired);
}

TEST_CASE("a token for another audience is refused as the wrong audience") {
    const SigningKey key = generate_signing_key();
    Claims claims = sample_claims();
    claims.aud = "billing-api";
    CHECK(verify_error(sign_jwt(claims, key), key) == JwtError::audience);
}

TEST_CASE("an aud array is accepted when it contains the expected audience") {
    const SigningKey key = generate_signing_key();
    json payload = sample_payload();
    payload["aud"] = json::array({"billing-api", "mercato-api"});
    const auto result = verify_jwt(ed25519_signed(eddsa_header(key), payload, key), keyring(key), sample_options());
    REQUIRE(std::holds_alternative<Claims>(result));
    CHECK(std::get<Claims>(result).aud == "mercato-api");
    payload["aud"] = json::array({"billing-api"});
    CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::audience);
}

TEST_CASE("a token from another issuer is refused as the wrong issuer") {
    const SigningKey key = generate_signing_key();
    Claims claims = sample_claims();
    claims.iss = "https://evil.test";
    CHECK(verify_error(sign_jwt(claims, key), key) == JwtError::issuer);
}

TEST_CASE("a token whose kid is unknown, missing or not a string is refused as an unknown key") {
    const SigningKey key = generate_signing_key();
    const SigningKey stranger = generate_signing_key();
    CHECK(verify_error(sign_jwt(sample_claims(), stranger), key) == JwtError::unknown_key);
    CHECK(verify_error(ed25519_signed({{"alg", "EdDSA"}}, sample_payload(), key), key) == JwtError::unknown_key);
    CHECK(verify_error(ed25519_signed({{"alg", "EdDSA"}, {"kid", 7}}, sample_payload(), key), key) ==
          JwtError::unknown_key);
}

TEST_CASE("a header with crit or a typ other than JWT is refused as malformed") {
    const SigningKey key = generate_signing_key();
    json header = eddsa_header(key);
    header["crit"] = json::array({"exp"});
    CHECK(verify_error(ed25519_signed(header, sample_payload(), key), key) == JwtError::malformed);
    header = eddsa_header(key);
    header["typ"] = "JWS";
    CHECK(verify_error(ed25519_signed(header, sample_payload(), key), key) == JwtError::malformed);
}

TEST_CASE("iat and exp must be JSON integers: floats and strings are refused as bad claims") {
    const SigningKey key = generate_signing_key();
    for (const json& bad : {json(1.7e9), json(1700000000.5), json("1700000900"), json(true), json(nullptr),
                            json(18446744073709551615ULL)}) {
        CAPTURE(bad.dump());
        json payload = sample_payload();
        payload["exp"] = bad;
        CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::claims);
        payload = sample_payload();
        payload["iat"] = bad;
        CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::claims);
    }
}

TEST_CASE("a missing or non-string sub, role, iss, aud or jti is refused as bad claims") {
    const SigningKey key = generate_signing_key();
    for (const char* name : {"sub", "role", "iss", "aud", "jti"}) {
        CAPTURE(name);
        json payload = sample_payload();
        payload.erase(name);
        CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::claims);
        payload[name] = 42;
        CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::claims);
    }
    json payload = sample_payload();
    payload["aud"] = json::array({"mercato-api", 1});
    CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::claims);
    payload = sample_payload();
    payload["nbf"] = "soon";
    CHECK(verify_error(ed25519_signed(eddsa_header(key), payload, key), key) == JwtError::claims);
}

TEST_CASE("malformed tokens are refused as malformed and never crash") {
    const SigningKey key = generate_signing_key();
    const auto parts = split(sign_jwt(sample_claims(), key));
    const std::string& h = parts[0];
    const std::string& p = parts[1];
    const std::string& s = parts[2];
    const std::vector<std::string> tokens = {
        "",
        ".",
        "..",
        "a.b",
        "a.b.c.d",
        h + "." + p + "." + s + "." + s,
        h + "." + p,
        "eyJ!.eyJ.abc",
        h + "." + p + "." + s + "=",
        h + "=." + p + "." + s,
        h + "." + p + "==." + s,
        h + "." + p + "." + s.substr(0, 20) + "+" + s.substr(21),
        h + "." + p + "." + s.substr(0, 20) + "/" + s.substr(21),
        h + "." + p + "." + s.substr(0, 20) + " " + s.substr(21),
        b64("[\"EdDSA\"]") + "." + p + "." + s,
        b64("\"EdDSA\"") + "." + p + "." + s,
        h + "." + b64("[1,2,3]") + "." + s,
        b64("{\"alg\":\"EdDSA\"") + "." + p + "." + s,
        h + "." + b64("not json") + "." + s,
        b64("{\"alg\":\"EdDSA\",\"kid\":\"\xff\"}") + "." + p + "." + s,
        std::string("\0.\0.\0", 5),
        std::string(10'000, '.'),
        std::string(100'000, 'A'),
    };
    for (const std::string& token : tokens) {
        CAPTURE(token.substr(0, 80));
        CHECK(verify_error(token, key) == JwtError::malformed);
    }
}

TEST_CASE("deeply nested JSON in a token is refused as malformed without a crash") {
    const SigningKey key = generate_signing_key();
    const std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
    const std::string token = b64(nested) + "." + b64(sample_payload().dump()) + ".";
    CHECK(verify_error(token, key) == JwtError::malformed);
}

TEST_CASE("jwks_json lists every key's kid and x, has no d, and x decodes to the public key") {
    const std::vector<SigningKey> keys = {generate_signing_key(), generate_signing_key()};
    const std::string text = jwks_json(keys);
    const json jwks = json::parse(text);
    REQUIRE(jwks["keys"].size() == keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const json& jwk = jwks["keys"][i];
        CHECK(jwk["kty"] == "OKP");
        CHECK(jwk["crv"] == "Ed25519");
        CHECK(jwk["use"] == "sig");
        CHECK(jwk["alg"] == "EdDSA");
        CHECK(jwk["kid"] == keys[i].kid);
        CHECK_FALSE(jwk.contains("d"));
        const auto x = base64url_decode(jwk["x"].get<std::string>());
        REQUIRE(x.has_value());
        REQUIRE(x->size() == 32);
        CHECK(std::equal(x->begin(), x->end(), keys[i].public_key.begin(),
                         [](char a, unsigned char b) { return static_cast<unsigned char>(a) == b; }));
        CHECK(text.find(base64url_encode(keys[i].private_key)) == std::string::npos);
    }
}

TEST_CASE("an empty key list gives a JWKS with an empty keys array") {
    CHECK(json::parse(jwks_json({})) == json{{"keys", json::array()}});
}

TEST_CASE("signing_key_from_private reproduces the public key and kid of a generated key") {
    const SigningKey key = generate_signing_key();
    const SigningKey again = signing_key_from_private(key.private_key);
    CHECK(again.public_key == key.public_key);
    CHECK(again.private_key == key.private_key);
    CHECK(again.kid == key.kid);
}

TEST_CASE("a kid is k_ and 16 hex characters, and different keys get different kids") {
    const SigningKey a = generate_signing_key();
    const SigningKey b = generate_signing_key();
    REQUIRE(a.kid.size() == 18);
    CHECK(a.kid.starts_with("k_"));
    CHECK(a.kid.substr(2).find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(a.kid != b.kid);
    CHECK(a.private_key != b.private_key);
}

TEST_CASE("the RFC 8032 test key derives the RFC 8037 public key") {
    const SigningKey key =
        signing_key_from_private(hex_key("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    CHECK(key.public_key == hex_key("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
    CHECK(base64url_encode(key.public_key) == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
}

TEST_CASE("base64url matches the RFC 4648 test vectors") {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},       {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        CAPTURE(plain);
        CHECK(b64(plain) == encoded);
        CHECK(base64url_decode(encoded) == plain);
    }
}

TEST_CASE("base64url round-trips every length from 0 to 5 and uses - and _ instead of + and /") {
    for (std::size_t length = 0; length <= 5; ++length) {
        for (const int fill : {0x00, 0x7f, 0xfb, 0xff}) {
            const std::string bytes(length, static_cast<char>(fill));
            const std::string encoded = b64(bytes);
            CAPTURE(encoded);
            CHECK(encoded.find_first_of("+/=") == std::string::npos);
            CHECK(base64url_decode(encoded) == bytes);
        }
    }
    CHECK(b64("\xfb\xff") == "-_8");
}

TEST_CASE("base64url_decode refuses padding, foreign characters, impossible lengths and stray bits") {
    for (const char* bad : {"Zg==", "Zm8=", "Zg=", "Z", "Zm9vY", "Zm+v", "Zm/v", "Zm 9", "Zm9v\n", "Zh", "Zm9"}) {
        CAPTURE(bad);
        CHECK(base64url_decode(bad) == std::nullopt);
    }
}
