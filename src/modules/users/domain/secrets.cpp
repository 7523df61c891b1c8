#include "modules/users/domain/secrets.hpp"

#include <array>
#include <stdexcept>

#include <openssl/rand.h>

#include "kernel/auth/jwt.hpp"
#include "kernel/hashing.hpp"

namespace mercato::users {

std::string random_secret() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("no randomness for a token");
    return kernel::auth::base64url_encode(bytes);
}

std::string secret_hash(std::string_view secret) { return kernel::sha256_hex(secret); }

}  // namespace mercato::users
