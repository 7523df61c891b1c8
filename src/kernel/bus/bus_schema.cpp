#include "kernel/bus/bus_schema.hpp"

#include <fmt/format.h>


namespace mercato::kernel::bus {

namespace {

// The envelope's columns in the log, after the offset.
constexpr const char* envelope_columns =
    "id TEXT NOT NULL, topic TEXT NOT NULL, event_key TEXT NOT NULL, occurred_at TEXT NOT NULL, "
    "version INTEGER NOT NULL, payload TEXT NOT NULL, traceparent TEXT NOT NULL";

// SQLite writers of a module are serialized, so an AUTOINCREMENT key is already in commit order.
constexpr const char* sqlite_outbox = R"(
CREATE TABLE {m}.outbox (
    log_offset INTEGER PRIMARY KEY AUTOINCREMENT,
    {envelope}
);
)";

// PostgreSQL commits concurrent transactions in any order, so a number taken at insert time could
// become visible behind a consumer that already read past it. Events are stored with a plain
// sequence and queued in outbox_unsequenced; the sequencer gives committed ones their offsets in
// outbox_offsets, in the order they became visible (outbox_head holds the next offset, and its row
// lock makes sequencers take turns). Both side tables are narrow, so numbering an event never
// rewrites its payload.
constexpr const char* pg_outbox = R"(
CREATE TABLE {m}.outbox (
    seq BIGSERIAL PRIMARY KEY,
    {envelope}
);
CREATE TABLE {m}.outbox_unsequenced (seq BIGINT PRIMARY KEY);
CREATE TABLE {m}.outbox_offsets (log_offset BIGINT PRIMARY KEY, seq BIGINT NOT NULL);
CREATE TABLE {m}.outbox_head (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    next_offset BIGINT NOT NULL
);
INSERT INTO {m}.outbox_head (only_row, next_offset) VALUES (1, 1);
)";

// batch_seq changes with every batch a driver commits: a second driver of the same group (a copy
// that lost its lock without noticing) finds it moved and backs off instead of handling twice.
constexpr const char* consumer_tables = R"(
CREATE TABLE {m}.bus_offsets (
    group_name TEXT NOT NULL,
    source TEXT NOT NULL,
    committed_offset BIGINT NOT NULL,
    batch_seq BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (group_name, source)
);
CREATE TABLE {m}.bus_processed (
    group_name TEXT NOT NULL,
    source TEXT NOT NULL,
    log_offset BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (group_name, source, log_offset)
);
CREATE TABLE {m}.bus_dead_letters (
    id TEXT PRIMARY KEY,
    group_name TEXT NOT NULL,
    source TEXT NOT NULL,
    log_offset BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    event_key TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    traceparent TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    failed_at TEXT NOT NULL,
    status TEXT NOT NULL,
    replayed_at TEXT
);
)";

}  // namespace

std::vector<Migration> bus_migrations(Backend backend, const std::vector<std::string>& modules) {
    const std::string outbox = backend == Backend::postgresql ? pg_outbox : sqlite_outbox;
    // This pass fills in the envelope's columns and puts {m} back for track_migrations to name each schema.
    const std::string tables = fmt::format(fmt::runtime(outbox + consumer_tables), fmt::arg("m", "{m}"),
                                           fmt::arg("envelope", envelope_columns));
    return track_migrations("bus", 1, "bus_tables", tables, modules);
}

}  // namespace mercato::kernel::bus
