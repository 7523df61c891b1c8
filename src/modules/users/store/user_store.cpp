#include "modules/users/store/user_store.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/sql_query.hpp"
#include "kernel/unique_write.hpp"

namespace mercato::users {

namespace {

constexpr const char* taken_email = "an account with this email exists";
constexpr const char* account_columns = "id, email, name, role, password_hash, created_at, updated_at";

// The accounts a query finds: a one-time statement, which PostgreSQL keeps prepared for the next
// sign-in or profile read (a rowset would prepare, run and deallocate it every time).
std::vector<AccountRow> read_accounts(soci::session& session, const kernel::SqlQuery& query) {
    std::vector<AccountRow> out;
    query.each_row(session, [&out](const soci::row& r) {
        out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                       r.get<std::string>(4), r.get<std::string>(5), r.get<std::string>(6)});
    });
    return out;
}

kernel::SqlQuery accounts_where(const char* column, const std::string& value) {
    kernel::SqlQuery query(fmt::format("SELECT {} FROM users.accounts WHERE {} = ", account_columns, column));
    query.value(value);
    return query;
}

std::optional<AccountRow> first(std::vector<AccountRow> rows) {
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

std::optional<std::string> nullable(const soci::row& r, std::size_t column) {
    if (r.get_indicator(column) == soci::i_null) return std::nullopt;
    return r.get<std::string>(column);
}

}  // namespace

std::optional<AccountRow> find_account(soci::session& session, const std::string& id) {
    return first(read_accounts(session, accounts_where("id", id)));
}

std::optional<AccountRow> find_account_by_email(soci::session& session, const std::string& email) {
    return first(read_accounts(session, accounts_where("email", email)));
}

std::vector<AccountRow> all_accounts(soci::session& session) {
    return read_accounts(session, kernel::SqlQuery(fmt::format("SELECT {} FROM users.accounts ORDER BY id", account_columns)));
}

void insert_account(soci::session& session, const AccountRow& a) {
    kernel::write_unique(session, "users_email", [&] {
        session << "INSERT INTO users.accounts (id, email, name, role, password_hash, created_at, updated_at) "
                   "VALUES (:id, :email, :name, :role, :hash, :created, :updated)",
            soci::use(a.id), soci::use(a.email), soci::use(a.name), soci::use(a.role), soci::use(a.password_hash),
            soci::use(a.created_at), soci::use(a.updated_at);
    }, taken_email);
}

void update_account(soci::session& session, const AccountRow& a) {
    kernel::write_unique(session, "users_email", [&] {
        session << "UPDATE users.accounts SET email = :email, name = :name, role = :role, password_hash = :hash, "
                   "updated_at = :updated WHERE id = :id",
            soci::use(a.email), soci::use(a.name), soci::use(a.role), soci::use(a.password_hash), soci::use(a.updated_at),
            soci::use(a.id);
    }, taken_email);
}

std::optional<RefreshRow> find_refresh(soci::session& session, kernel::Backend backend, const std::string& token_hash,
                                       bool lock) {
    const std::string suffix = lock && backend == kernel::Backend::postgresql ? " FOR UPDATE" : "";
    soci::rowset<soci::row> rows = (session.prepare << "SELECT token_hash, family_id, user_id, created_at, expires_at, "
                                                       "rotated_at, revoked_at FROM users.refresh_tokens WHERE token_hash = :h"
                                                    << suffix,
                                    soci::use(token_hash));
    for (const auto& r : rows) {
        return RefreshRow{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                          r.get<std::string>(4), nullable(r, 5),         nullable(r, 6)};
    }
    return std::nullopt;
}

void insert_refresh(soci::session& session, const RefreshRow& r) {
    session << "INSERT INTO users.refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) "
               "VALUES (:h, :f, :u, :c, :e)",
        soci::use(r.token_hash), soci::use(r.family_id), soci::use(r.user_id), soci::use(r.created_at), soci::use(r.expires_at);
}

void mark_rotated(soci::session& session, const std::string& token_hash, const std::string& at) {
    session << "UPDATE users.refresh_tokens SET rotated_at = :at WHERE token_hash = :h", soci::use(at), soci::use(token_hash);
}

void revoke_family(soci::session& session, const std::string& family_id, const std::string& at) {
    session << "UPDATE users.refresh_tokens SET revoked_at = :at WHERE family_id = :f AND revoked_at IS NULL", soci::use(at),
        soci::use(family_id);
}

void revoke_user_tokens(soci::session& session, const std::string& user_id, const std::string& at) {
    session << "UPDATE users.refresh_tokens SET revoked_at = :at WHERE user_id = :u AND revoked_at IS NULL", soci::use(at),
        soci::use(user_id);
}

void insert_reset(soci::session& session, const ResetRow& r) {
    session << "INSERT INTO users.reset_tokens (token_hash, user_id, expires_at) VALUES (:h, :u, :e)",
        soci::use(r.token_hash), soci::use(r.user_id), soci::use(r.expires_at);
}

std::optional<ResetRow> find_reset(soci::session& session, kernel::Backend backend, const std::string& token_hash) {
    const std::string suffix = backend == kernel::Backend::postgresql ? " FOR UPDATE" : "";
    soci::rowset<soci::row> rows =
        (session.prepare << "SELECT token_hash, user_id, expires_at, used_at FROM users.reset_tokens WHERE token_hash = :h"
                         << suffix,
         soci::use(token_hash));
    for (const auto& r : rows) return ResetRow{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), nullable(r, 3)};
    return std::nullopt;
}

void mark_reset_used(soci::session& session, const std::string& token_hash, const std::string& at) {
    session << "UPDATE users.reset_tokens SET used_at = :at WHERE token_hash = :h", soci::use(at), soci::use(token_hash);
}

void lock_signing_keys(soci::session& session, kernel::Backend backend) {
    // Advisory lock space of the users module's signing keys (migrations use 7243, bus groups 7244).
    if (backend == kernel::Backend::postgresql) session << "SELECT pg_advisory_xact_lock(7245, 0)";
}

std::vector<KeyRow> signing_keys(soci::session& session) {
    soci::rowset<soci::row> rows = (session.prepare << "SELECT kid, private_key FROM users.signing_keys ORDER BY created_at, kid");
    std::vector<KeyRow> out;
    for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1)});
    return out;
}

void insert_signing_key(soci::session& session, const KeyRow& key, const std::string& at) {
    session << "INSERT INTO users.signing_keys (kid, private_key, created_at) VALUES (:k, :p, :at)", soci::use(key.kid),
        soci::use(key.private_key), soci::use(at);
}

}  // namespace mercato::users
