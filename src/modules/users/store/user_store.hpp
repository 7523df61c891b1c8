// SQL over the users schema: accounts, refresh token families, reset tokens and signing keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel/db_url.hpp"

namespace soci {
class session;
}

namespace mercato::users {

struct AccountRow {
    std::string id;
    std::string email;
    std::string name;
    std::string role;
    std::string password_hash;
    std::string created_at;
    std::string updated_at;
};

std::optional<AccountRow> find_account(soci::session& session, const std::string& id);
std::optional<AccountRow> find_account_by_email(soci::session& session, const std::string& email);
std::vector<AccountRow> all_accounts(soci::session& session);
// Both throw kernel::Problem 409 when the email belongs to another account (the unique index decides,
// so two copies racing for one email cannot both win).
void insert_account(soci::session& session, const AccountRow& account);
void update_account(soci::session& session, const AccountRow& account);

struct RefreshRow {
    std::string token_hash;
    std::string family_id;
    std::string user_id;
    std::string created_at;
    std::string expires_at;
    std::optional<std::string> rotated_at;
    std::optional<std::string> revoked_at;
};

// With lock, the row stays locked to this transaction on PostgreSQL, so two refreshes of one token
// take turns (SQLite's module write lock already makes them).
std::optional<RefreshRow> find_refresh(soci::session& session, kernel::Backend backend, const std::string& token_hash,
                                       bool lock);
void insert_refresh(soci::session& session, const RefreshRow& row);
void mark_rotated(soci::session& session, const std::string& token_hash, const std::string& at);
void revoke_family(soci::session& session, const std::string& family_id, const std::string& at);
void revoke_user_tokens(soci::session& session, const std::string& user_id, const std::string& at);

struct ResetRow {
    std::string token_hash;
    std::string user_id;
    std::string expires_at;
    std::optional<std::string> used_at;
};

void insert_reset(soci::session& session, const ResetRow& row);
std::optional<ResetRow> find_reset(soci::session& session, kernel::Backend backend, const std::string& token_hash);
void mark_reset_used(soci::session& session, const std::string& token_hash, const std::string& at);

struct KeyRow {
    std::string kid;
    std::string private_key;  // hex of the Ed25519 seed
};

// PostgreSQL: takes a transaction lock so server copies starting together make one first key.
void lock_signing_keys(soci::session& session, kernel::Backend backend);
std::vector<KeyRow> signing_keys(soci::session& session);
void insert_signing_key(soci::session& session, const KeyRow& key, const std::string& at);

}  // namespace mercato::users
