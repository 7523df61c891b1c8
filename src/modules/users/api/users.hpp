// The users module's facade: accounts, sign-in with access and refresh tokens, profiles, passwords and roles.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::kernel {
class Database;
namespace bus {
class Bus;
}
}  // namespace mercato::kernel

namespace mercato::users {

inline constexpr const char* role_customer = "customer";
inline constexpr const char* role_staff = "staff";
inline constexpr const char* role_admin = "admin";

struct Profile {
    std::string id;
    std::string email;
    std::string name;
    std::string role;
    std::string created_at;
};

struct TokenPair {
    std::string access_token;
    std::int64_t expires_in = 0;  // seconds
    std::string refresh_token;
};

struct ProfileChange {
    std::optional<std::string> name;
    std::optional<std::string> email;
};

// Who an access token speaks for.
struct Identity {
    std::string user_id;
    std::string role;
};

// Sign-in refused for a while after too many failures (HTTP 429 with Retry-After).
struct SignInThrottled : std::runtime_error {
    explicit SignInThrottled(std::int64_t seconds)
        : std::runtime_error("too many failed sign-ins; try again later"), retry_after_seconds(seconds) {}
    std::int64_t retry_after_seconds;
};

struct UsersSettings {
    std::uint64_t password_passes = 2;                 // Argon2id
    std::size_t password_memory_bytes = 19 * 1024 * 1024;
    std::string token_issuer = "mercato";
    std::string token_audience = "mercato-api";
    // Unix seconds; tests move it to see tokens expire.
    std::function<std::int64_t()> now = [] {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
};

// Calls block on the database (run them on worker threads), except verify_access_token and jwks.
// Failures are kernel::Problem: 422 for invalid input (with field errors), 401 for wrong credentials
// or tokens, 409 for a taken email, 404 for an unknown user; SignInThrottled while sign-in is throttled.
class Users {
public:
    // db must serve the "users" module, whose migrations must be applied before the first call.
    Users(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, UsersSettings settings = {});
    ~Users();
    Users(const Users&) = delete;
    Users& operator=(const Users&) = delete;

    // Loads the signing keys, making the first on first start (once across server copies).
    void load_keys();

    Profile register_user(const std::string& email, const std::string& password, const std::string& name);
    TokenPair login(const std::string& email, const std::string& password, const std::string& client_address);
    // Rotates: the presented token stops working. One presented again after its rotation revokes its
    // whole family (it was stolen, or the thief's copy was used first).
    TokenPair refresh(const std::string& refresh_token);
    // Ends the session the refresh token belongs to, when it is the user's.
    void logout(const std::string& user_id, const std::string& refresh_token);

    Profile profile(const std::string& user_id);
    Profile update_profile(const std::string& user_id, const ProfileChange& change);
    // Ends every session of the user but does not sign out the caller's access token (it expires soon).
    void change_password(const std::string& user_id, const std::string& current_password, const std::string& new_password);
    // Never tells whether the email has an account.
    void request_password_reset(const std::string& email);
    void reset_password(const std::string& token, const std::string& new_password);

    // The command line's: makes the account an admin (creating it when the email is new) with this password.
    Profile create_admin(const std::string& email, const std::string& password);
    std::vector<Profile> list_users();

    // Checks signature, expiry, issuer and audience with the keys in memory: no database, so it may
    // run on an I/O thread. nullopt for anything but a valid access token.
    std::optional<Identity> verify_access_token(std::string_view token) const;
    // The public signing keys as a JWKS document.
    std::string jwks() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::users
