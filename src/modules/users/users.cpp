#include "modules/users/api/users.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/auth/jwt.hpp"
#include "kernel/auth/password_hash.hpp"
#include "kernel/auth/password_policy.hpp"
#include "kernel/bus/bus.hpp"
#include "kernel/clock.hpp"
#include "kernel/database.hpp"
#include "kernel/hashing.hpp"
#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "modules/users/api/events.hpp"
#include "modules/users/domain/email.hpp"
#include "modules/users/domain/login_throttle.hpp"
#include "modules/users/domain/secrets.hpp"
#include "modules/users/store/user_store.hpp"

namespace mercato::users {

namespace {

using kernel::FieldError;
using kernel::Problem;

constexpr std::int64_t access_lifetime = 15 * 60;
constexpr std::int64_t refresh_lifetime = 30 * 24 * 3600;
constexpr std::int64_t reset_lifetime = 30 * 60;
// Two refreshes racing with one token (a browser's two tabs) are not theft: within this long of the
// rotation, the loser is refused without revoking the family.
constexpr std::int64_t rotation_grace = 10;
constexpr std::size_t max_name_length = 100;
// Access tokens already verified, so a client's next requests skip the signature check (they repeat
// one token for up to 15 minutes). Emptied when full: a bound, not a policy worth more code.
constexpr std::size_t verified_tokens_kept = 10'000;

std::string timestamp(std::int64_t unix_seconds) {
    return kernel::format_rfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

Profile profile_of(const AccountRow& a) { return {a.id, a.email, a.name, a.role, a.created_at}; }

Problem wrong_credentials() { return Problem::unauthorized("wrong email or password"); }
Problem bad_refresh_token() { return Problem::unauthorized("the refresh token is not valid"); }

kernel::auth::KeyBytes seed_from_hex(const std::string& text) {
    const auto bytes = kernel::hex_decode(text);
    kernel::auth::KeyBytes seed{};
    if (!bytes || bytes->size() != seed.size()) throw std::runtime_error("a stored signing key is damaged");
    std::copy(bytes->begin(), bytes->end(), seed.begin());
    return seed;
}

std::optional<std::string> name_problem(const std::string& name) {
    if (name.find_first_not_of(" \t") == std::string::npos) return "must not be empty";
    if (name.size() > max_name_length) return fmt::format("must be at most {} characters", max_name_length);
    return std::nullopt;
}

}  // namespace

struct Users::Impl {
    struct Keys {
        kernel::auth::SigningKey current;
        std::vector<kernel::auth::SigningKey> all;
        kernel::auth::PublicKeys trusted;
    };

    Impl(std::shared_ptr<kernel::Database> database, kernel::bus::Bus& events, UsersSettings options)
        : db(std::move(database)), bus(events), settings(std::move(options)),
          cost{settings.password_passes, settings.password_memory_bytes},
          // Signing in as an unknown email costs a hash check all the same, so timing tells nothing.
          decoy_hash(kernel::auth::hash_password(random_secret(), cost)) {}

    kernel::ModuleDb module() const { return db->module("users"); }
    std::int64_t now() const { return settings.now(); }

    std::shared_ptr<const Keys> keys_snapshot() const {
        std::lock_guard lock(keys_mutex);
        return keys;
    }

    std::shared_ptr<const Keys> signing_keys_loaded() {
        if (auto k = keys_snapshot()) return k;
        load_keys();
        return keys_snapshot();
    }

    void load_keys() {
        const auto rows = module().write([&](soci::session& s) {
            lock_signing_keys(s, db->backend());
            auto stored = signing_keys(s);
            if (stored.empty()) {
                const auto fresh = kernel::auth::generate_signing_key();
                KeyRow row{fresh.kid, kernel::hex_encode(fresh.private_key)};
                insert_signing_key(s, row, timestamp(now()));
                stored.push_back(row);
            }
            return stored;
        });
        auto loaded = std::make_shared<Keys>();
        for (const auto& row : rows) {
            auto key = kernel::auth::signing_key_from_private(seed_from_hex(row.private_key));
            loaded->trusted[key.kid] = key.public_key;
            loaded->all.push_back(key);
        }
        loaded->current = loaded->all.back();
        std::lock_guard lock(keys_mutex);
        keys = std::move(loaded);
    }

    // keys: loaded before the transaction began, since loading them is a write of this module.
    TokenPair issue(soci::session& s, const Keys& signing, const AccountRow& account, const std::string& family) {
        const std::int64_t t = now();
        kernel::auth::Claims claims{account.id, account.role, settings.token_issuer, settings.token_audience,
                                    kernel::new_id("jti"), t, t + access_lifetime};
        TokenPair pair{kernel::auth::sign_jwt(claims, signing.current), access_lifetime, random_secret()};
        insert_refresh(s, {secret_hash(pair.refresh_token), family, account.id, timestamp(t), timestamp(t + refresh_lifetime),
                           std::nullopt, std::nullopt});
        return pair;
    }

    AccountRow require_account(soci::session& s, const std::string& user_id) {
        auto account = find_account(s, user_id);
        if (!account) throw Problem::not_found("no such user");
        return *account;
    }

    void publish(soci::session& s, const char* topic, const std::string& key, const nlohmann::json& payload) {
        bus.publish(s, {topic, key, payload.dump()});
    }

    std::shared_ptr<kernel::Database> db;
    kernel::bus::Bus& bus;
    UsersSettings settings;
    kernel::auth::PasswordCost cost;
    std::string decoy_hash;
    LoginThrottle throttle;
    mutable std::mutex keys_mutex;
    std::shared_ptr<const Keys> keys;

    struct Verified {
        Identity identity;
        std::int64_t exp;
    };
    mutable std::mutex verified_mutex;
    mutable std::unordered_map<std::string, Verified> verified;
};

Users::Users(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, UsersSettings settings)
    : impl_(std::make_unique<Impl>(std::move(db), bus, std::move(settings))) {}

Users::~Users() = default;

void Users::load_keys() { impl_->load_keys(); }

Profile Users::register_user(const std::string& email, const std::string& password, const std::string& name) {
    std::vector<FieldError> errors;
    const auto normalized = normalize_email(email);
    if (!normalized) errors.push_back({"email", "must be an email address"});
    if (auto problem = kernel::auth::password_problem(password)) errors.push_back({"password", *problem});
    if (auto problem = name_problem(name)) errors.push_back({"name", *problem});
    kernel::check_fields(std::move(errors));

    const std::string at = timestamp(impl_->now());
    AccountRow account{kernel::new_id("usr"), *normalized, name, role_customer,
                       kernel::auth::hash_password(password, impl_->cost), at, at};
    impl_->module().write([&](soci::session& s) {
        insert_account(s, account);
        impl_->publish(s, topic_registered, account.id, {{"user_id", account.id}, {"email", account.email}, {"name", account.name}});
    });
    return profile_of(account);
}

TokenPair Users::login(const std::string& email, const std::string& password, const std::string& client_address) {
    auto& impl = *impl_;
    const std::string normalized = normalize_email(email).value_or(email);
    const std::string account_key = "account:" + normalized;
    const std::string address_key = "address:" + client_address;
    const auto clock = LoginThrottle::Clock::now();
    const auto wait = std::max(impl.throttle.refused_for(account_key, clock).value_or(0),
                               impl.throttle.refused_for(address_key, clock).value_or(0));
    if (wait > 0) throw SignInThrottled(wait);

    const auto account = impl.module().read([&](soci::session& s) { return find_account_by_email(s, normalized); });
    const bool valid = kernel::auth::verify_password(account ? account->password_hash : impl.decoy_hash, password);
    if (!account || !valid) {
        impl.throttle.failed(account_key, clock);
        impl.throttle.failed(address_key, clock);
        throw wrong_credentials();
    }
    impl.throttle.forget(account_key);
    const auto signing = impl.signing_keys_loaded();
    return impl.module().write([&](soci::session& s) {
        if (kernel::auth::needs_rehash(account->password_hash, impl.cost)) {
            AccountRow upgraded = *account;
            upgraded.password_hash = kernel::auth::hash_password(password, impl.cost);
            update_account(s, upgraded);
        }
        return impl.issue(s, *signing, *account, kernel::new_id("fam"));
    });
}

TokenPair Users::refresh(const std::string& refresh_token) {
    auto& impl = *impl_;
    enum class Refused { none, invalid };
    Refused refused = Refused::none;
    TokenPair pair;
    const auto signing = impl.signing_keys_loaded();
    impl.module().write([&](soci::session& s) {
        const std::int64_t t = impl.now();
        const auto row = find_refresh(s, impl.db->backend(), secret_hash(refresh_token), true);
        if (!row || row->revoked_at || row->expires_at < timestamp(t)) {
            refused = Refused::invalid;
            return;
        }
        if (row->rotated_at) {
            // A rotated token presented again: outside the grace, someone holds a copy they should not.
            if (*row->rotated_at < timestamp(t - rotation_grace)) revoke_family(s, row->family_id, timestamp(t));
            refused = Refused::invalid;
            return;
        }
        const auto account = find_account(s, row->user_id);
        if (!account) {
            refused = Refused::invalid;
            return;
        }
        mark_rotated(s, row->token_hash, timestamp(t));
        pair = impl.issue(s, *signing, *account, row->family_id);
    });
    // Thrown only now, so that a family revoked above stays revoked.
    if (refused != Refused::none) throw bad_refresh_token();
    return pair;
}

void Users::logout(const std::string& user_id, const std::string& refresh_token) {
    impl_->module().write([&](soci::session& s) {
        const auto row = find_refresh(s, impl_->db->backend(), secret_hash(refresh_token), true);
        if (row && row->user_id == user_id) revoke_family(s, row->family_id, timestamp(impl_->now()));
    });
}

Profile Users::profile(const std::string& user_id) {
    return profile_of(impl_->module().read([&](soci::session& s) { return impl_->require_account(s, user_id); }));
}

Profile Users::update_profile(const std::string& user_id, const ProfileChange& change) {
    std::vector<FieldError> errors;
    std::optional<std::string> email;
    if (change.email) {
        email = normalize_email(*change.email);
        if (!email) errors.push_back({"email", "must be an email address"});
    }
    if (change.name) {
        if (auto problem = name_problem(*change.name)) errors.push_back({"name", *problem});
    }
    kernel::check_fields(std::move(errors));
    return profile_of(impl_->module().write([&](soci::session& s) {
        AccountRow account = impl_->require_account(s, user_id);
        if (email) account.email = *email;
        if (change.name) account.name = *change.name;
        account.updated_at = timestamp(impl_->now());
        update_account(s, account);
        return account;
    }));
}

void Users::change_password(const std::string& user_id, const std::string& current_password, const std::string& new_password) {
    if (auto problem = kernel::auth::password_problem(new_password)) kernel::check_fields({{"new_password", *problem}});
    const auto account = impl_->module().read([&](soci::session& s) { return impl_->require_account(s, user_id); });
    if (!kernel::auth::verify_password(account.password_hash, current_password)) {
        kernel::check_fields({{"current_password", "is not the current password"}});
    }
    const std::string hash = kernel::auth::hash_password(new_password, impl_->cost);
    impl_->module().write([&](soci::session& s) {
        AccountRow changed = impl_->require_account(s, user_id);
        changed.password_hash = hash;
        changed.updated_at = timestamp(impl_->now());
        update_account(s, changed);
        revoke_user_tokens(s, user_id, changed.updated_at);
    });
}

void Users::request_password_reset(const std::string& email) {
    auto& impl = *impl_;
    const auto normalized = normalize_email(email);
    if (!normalized) return;
    impl.module().write([&](soci::session& s) {
        const auto account = find_account_by_email(s, *normalized);
        if (!account) return;
        const std::string token = random_secret();
        const std::string expires = timestamp(impl.now() + reset_lifetime);
        insert_reset(s, {secret_hash(token), account->id, expires, std::nullopt});
        impl.publish(s, topic_password_reset_requested, account->id,
                     {{"user_id", account->id}, {"email", account->email}, {"token", token}, {"expires_at", expires}});
    });
}

void Users::reset_password(const std::string& token, const std::string& new_password) {
    auto& impl = *impl_;
    if (auto problem = kernel::auth::password_problem(new_password)) kernel::check_fields({{"new_password", *problem}});
    const std::string hash = kernel::auth::hash_password(new_password, impl.cost);
    const auto email = impl.module().write([&](soci::session& s) {
        const std::string at = timestamp(impl.now());
        const auto reset = find_reset(s, impl.db->backend(), secret_hash(token));
        if (!reset || reset->used_at || reset->expires_at < at) kernel::check_fields({{"token", "is not valid or has expired"}});
        AccountRow account = impl.require_account(s, reset->user_id);
        account.password_hash = hash;
        account.updated_at = at;
        update_account(s, account);
        mark_reset_used(s, reset->token_hash, at);
        revoke_user_tokens(s, account.id, at);
        return account.email;
    });
    // The owner proved control of the mailbox: sign-in failures others caused no longer hold them back.
    impl.throttle.forget("account:" + email);
}

Profile Users::create_admin(const std::string& email, const std::string& password) {
    auto& impl = *impl_;
    std::vector<FieldError> errors;
    const auto normalized = normalize_email(email);
    if (!normalized) errors.push_back({"email", "must be an email address"});
    if (auto problem = kernel::auth::password_problem(password)) errors.push_back({"password", *problem});
    kernel::check_fields(std::move(errors));
    const std::string hash = kernel::auth::hash_password(password, impl.cost);
    return profile_of(impl.module().write([&](soci::session& s) {
        const std::string at = timestamp(impl.now());
        if (auto existing = find_account_by_email(s, *normalized)) {
            existing->role = role_admin;
            existing->password_hash = hash;
            existing->updated_at = at;
            update_account(s, *existing);
            return *existing;
        }
        AccountRow account{kernel::new_id("usr"), *normalized, normalized->substr(0, normalized->find('@')), role_admin, hash,
                           at, at};
        insert_account(s, account);
        impl.publish(s, topic_registered, account.id, {{"user_id", account.id}, {"email", account.email}, {"name", account.name}});
        return account;
    }));
}

std::vector<Profile> Users::list_users() {
    std::vector<Profile> out;
    for (const auto& a : impl_->module().read([](soci::session& s) { return all_accounts(s); })) out.push_back(profile_of(a));
    return out;
}

std::optional<Identity> Users::verify_access_token(std::string_view token) const {
    auto& impl = *impl_;
    const std::int64_t now = impl.now();
    const std::string key(token);
    {
        std::lock_guard lock(impl.verified_mutex);
        auto hit = impl.verified.find(key);
        // The same bytes verified before: only the clock can have changed its answer.
        if (hit != impl.verified.end()) {
            if (now <= hit->second.exp + 60) return hit->second.identity;
            impl.verified.erase(hit);
            return std::nullopt;
        }
    }
    const auto keys = impl.keys_snapshot();
    if (!keys) return std::nullopt;
    const kernel::auth::VerifyOptions options{impl.settings.token_issuer, impl.settings.token_audience, now, 60};
    const auto result = kernel::auth::verify_jwt(token, keys->trusted, options);
    const auto* claims = std::get_if<kernel::auth::Claims>(&result);
    if (claims == nullptr) return std::nullopt;
    Identity identity{claims->sub, claims->role};
    std::lock_guard lock(impl.verified_mutex);
    if (impl.verified.size() >= verified_tokens_kept) impl.verified.clear();
    impl.verified.emplace(key, Impl::Verified{identity, claims->exp});
    return identity;
}

std::string Users::jwks() const {
    const auto keys = impl_->keys_snapshot();
    return kernel::auth::jwks_json(keys ? keys->all : std::vector<kernel::auth::SigningKey>{});
}

}  // namespace mercato::users
