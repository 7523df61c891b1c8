// Opaque secrets the module hands out (refresh and reset tokens): random, and stored only as hashes.
#pragma once

#include <string>
#include <string_view>

namespace mercato::users {

// 256 random bits, base64url.
std::string random_secret();

// What the database keeps instead of the secret: SHA-256, hex. A stolen table yields no usable token.
std::string secret_hash(std::string_view secret);

}  // namespace mercato::users
