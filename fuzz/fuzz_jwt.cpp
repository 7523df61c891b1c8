// Fuzzes the access-token verifier with a real key set. An input whose first byte is even is a token
// as a client would send it; an odd one is "<header JSON>\n<payload JSON>", which the target signs
// with the trusted key, so the claim checks behind the signature get fuzzed too. A token that passes
// must carry the issuer and audience asked for and not be expired; base64url must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include <openssl/evp.h>

#include "kernel/auth/jwt.hpp"

namespace {

namespace auth = mercato::kernel::auth;

constexpr std::int64_t now = 1'750'000'000;

struct Keys {
    auth::SigningKey trusted;
    auth::PublicKeys public_keys;

    Keys() {
        auth::KeyBytes seed{};
        for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(i * 7 + 1);
        trusted = auth::signing_key_from_private(seed);
        public_keys = {{trusted.kid, trusted.public_key}, {"k_other", auth::generate_signing_key().public_key}};
    }
};

std::span<const unsigned char> bytes_of(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

std::string sign_ed25519(std::string_view input, const auth::KeyBytes& seed) {
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()), EVP_PKEY_free);
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::string signature(64, '\0');
    std::size_t length = signature.size();
    if (!key || !context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes_of(input).data(),
                       input.size()) != 1) {
        std::abort();
    }
    return signature;
}

// "<header>\n<payload>" as a token signed with the trusted key.
std::string signed_token(std::string_view text, const auth::SigningKey& key) {
    const auto line_end = text.find('\n');
    const std::string_view header = text.substr(0, line_end);
    const std::string_view payload = line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);
    const std::string signing_input = auth::base64url_encode(bytes_of(header)) + '.' + auth::base64url_encode(bytes_of(payload));
    return signing_input + '.' + auth::base64url_encode(bytes_of(sign_ed25519(signing_input, key.private_key)));
}

[[noreturn]] void fail(const char* what, std::string_view token) {
    std::fprintf(stderr, "fuzz_jwt: %s\ntoken: %.*s\n", what, static_cast<int>(token.size()), token.data());
    std::abort();
}

void check_base64url(std::string_view text) {
    if (auth::base64url_decode(auth::base64url_encode(bytes_of(text))) != text) fail("base64url does not round-trip", text);
    // Padding and stray trailing bits are refused, so whatever decodes has exactly one spelling.
    if (const auto decoded = auth::base64url_decode(text); decoded && auth::base64url_encode(bytes_of(*decoded)) != text) {
        fail("base64url accepted a second spelling", text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Keys keys;
    if (size == 0) return -1;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    check_base64url(rest);
    const std::string token = data[0] % 2 == 0 ? std::string(rest) : signed_token(rest, keys.trusted);
    const auth::VerifyOptions options{.issuer = "mercato", .audience = "mercato-api", .now = now, .leeway_seconds = 60};
    const auto result = auth::verify_jwt(token, keys.public_keys, options);
    if (const auto* claims = std::get_if<auth::Claims>(&result)) {
        if (claims->iss != options.issuer || claims->aud != options.audience) fail("a token for someone else passed", token);
        if (claims->exp < now - options.leeway_seconds) fail("an expired token passed", token);
    }
    return 0;
}
