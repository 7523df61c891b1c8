// SQL over a module's outbox log: appending, reading in offset order, numbering (PostgreSQL), pruning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/bus/envelope.hpp"
#include "kernel/db_url.hpp"

namespace soci {
class row;
class session;
}

namespace mercato::kernel::bus {

// The envelope in a row's columns from first on: offset, id, topic, key, occurred_at, version,
// payload, traceparent (the log's order, which the dead letters keep).
Envelope envelope_from_row(const soci::row& row, std::size_t first);

// Inserts the envelopes in order, many to a statement (their offsets are ignored: the log assigns them).
void append_events(soci::session& session, Backend backend, const std::string& module, std::vector<Envelope>& events);

// Up to limit events with offsets above after, in offset order.
std::vector<Envelope> read_events(soci::session& session, Backend backend, const std::string& module,
                                  std::int64_t after, std::size_t limit);

// The newest offset in the log, or 0 when nothing was ever numbered.
std::int64_t head_offset(soci::session& session, Backend backend, const std::string& module);

// PostgreSQL: whether committed events are waiting for an offset.
bool has_unsequenced(soci::session& session, const std::string& module);
// How many committed events wait for an offset (always 0 on SQLite, where inserting numbers them).
// The newest offset retention has deleted from the log (0 when none was).
std::int64_t pruned_through(soci::session& session, Backend backend, const std::string& module);
std::int64_t unsequenced_count(soci::session& session, Backend backend, const std::string& module);

// PostgreSQL: numbers committed events that have no offset yet, in the order they became visible,
// inside the caller's transaction. Returns how many were numbered.
std::size_t sequence_events(soci::session& session, const std::string& module, std::size_t limit);

// Deletes events at or below offset that occurred before cutoff (RFC 3339). Returns how many.
std::size_t prune_events(soci::session& session, Backend backend, const std::string& module, std::int64_t offset,
                         const std::string& cutoff);

}  // namespace mercato::kernel::bus
