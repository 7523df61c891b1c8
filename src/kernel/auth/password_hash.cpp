#include "kernel/auth/password_hash.hpp"

#include <stdexcept>

#include <sodium.h>

namespace mercato::kernel::auth {

namespace {

void ensure_sodium() {
    static const int ready = sodium_init();  // thread-safe once; 1 means it was already initialised
    if (ready < 0) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

std::string hash_password(std::string_view password, const PasswordCost& cost) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.passes, cost.memory_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("hashing the password ran out of memory");
    }
    return out;
}

bool verify_password(std::string_view stored, std::string_view password) {
    ensure_sodium();
    // libsodium reads a NUL-terminated string of at most STRBYTES - 1 characters.
    if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
    const std::string terminated(stored);
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view stored, const PasswordCost& cost) {
    ensure_sodium();
    if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return true;
    const std::string terminated(stored);
    return crypto_pwhash_str_needs_rehash(terminated.c_str(), cost.passes, cost.memory_bytes) != 0;
}

}  // namespace mercato::kernel::auth
