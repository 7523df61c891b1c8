// Tests kernel/auth/password_hash.hpp: Argon2id hashes that verify, salt, never truncate, and know their costs.
#include "kernel/auth/password_hash.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mercato::kernel::auth;

namespace {
// Cheap costs keep the suite fast; the format and the checks are the same as with the defaults.
const PasswordCost cheap{1, 8 * 1024};
}  // namespace

TEST_CASE("a password verifies against its own hash and nothing else") {
    const std::string stored = hash_password("correct horse battery", cheap);
    CHECK(verify_password(stored, "correct horse battery"));
    CHECK_FALSE(verify_password(stored, "correct horse batterY"));
    CHECK_FALSE(verify_password(stored, ""));
}

TEST_CASE("the default cost is Argon2id with 19 MiB and 2 passes") {
    const std::string stored = hash_password("correct horse battery");
    CHECK(stored.rfind("$argon2id$v=19$m=19456,t=2,", 0) == 0);
    CHECK(verify_password(stored, "correct horse battery"));
    CHECK_FALSE(needs_rehash(stored));
}

TEST_CASE("two hashes of one password differ, because each has its own salt") {
    CHECK(hash_password("same password", cheap) != hash_password("same password", cheap));
}

TEST_CASE("long passwords are hashed whole: a difference at the 200th character counts") {
    const std::string a(199, 'a');
    const std::string stored = hash_password(a + "x", cheap);
    CHECK(verify_password(stored, a + "x"));
    CHECK_FALSE(verify_password(stored, a + "y"));
    CHECK_FALSE(verify_password(stored, a));
}

TEST_CASE("a malformed or empty stored hash never verifies and asks for a rehash") {
    CHECK_FALSE(verify_password("", "x"));
    CHECK_FALSE(verify_password("$argon2id$garbage", "x"));
    CHECK_FALSE(verify_password(std::string(500, '$'), "x"));
    CHECK(needs_rehash("$argon2id$garbage"));
}

TEST_CASE("a hash made with lower costs than configured needs rehashing") {
    const std::string stored = hash_password("correct horse battery", cheap);
    CHECK(needs_rehash(stored));
    CHECK_FALSE(needs_rehash(stored, cheap));
}
