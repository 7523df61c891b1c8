// Password storage: Argon2id through libsodium, with costs that can be raised later and hashes that say when they need it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mercato::kernel::auth {

// What one hash costs. The defaults are OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes.
struct PasswordCost {
    std::uint64_t passes = 2;
    std::size_t memory_bytes = 19 * 1024 * 1024;
};

// A self-describing string ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") with a fresh random salt.
// The whole password is hashed: nothing is truncated. Throws std::runtime_error when the memory
// cannot be had.
std::string hash_password(std::string_view password, const PasswordCost& cost = {});

// Whether password matches stored (in constant time); false for a malformed stored hash.
bool verify_password(std::string_view stored, std::string_view password);

// Whether stored was made with other costs than these (then hash again after a successful login).
bool needs_rehash(std::string_view stored, const PasswordCost& cost = {});

}  // namespace mercato::kernel::auth
