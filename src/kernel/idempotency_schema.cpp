#include "kernel/idempotency_schema.hpp"

namespace mercato::kernel {

namespace {

constexpr const char* keys_table = R"(
CREATE TABLE IF NOT EXISTS {m}.idempotency_keys (
    user_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    response_status INTEGER,
    response_body TEXT,
    claimed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
)";

// Expired keys are pruned by expires_at. SQLite names an index in the schema of its table, PostgreSQL
// puts it beside the table.
constexpr const char* sqlite_expiry_index =
    "CREATE INDEX IF NOT EXISTS {m}.idempotency_keys_expiry ON idempotency_keys (expires_at);\n";
constexpr const char* pg_expiry_index =
    "CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON {m}.idempotency_keys (expires_at);\n";

}  // namespace

std::vector<Migration> idempotency_migrations(Backend backend, const std::vector<std::string>& modules) {
    const std::string sql = std::string(keys_table) + (backend == Backend::postgresql ? pg_expiry_index : sqlite_expiry_index);
    return track_migrations("idempotency", 1, "idempotency_keys", sql, modules);
}

}  // namespace mercato::kernel
