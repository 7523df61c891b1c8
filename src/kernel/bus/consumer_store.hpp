// SQL over a consumer group's records in the consuming module's schema: committed offsets,
// events handled out of order, and dead letters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/bus/bus.hpp"
#include "kernel/db_url.hpp"

namespace soci {
class session;
}

namespace mercato::kernel::bus {

struct Position {
    std::int64_t committed = 0;
    std::int64_t batch_seq = 0;
};

struct GroupRef {
    std::string module;
    std::string group;
    std::string source;
};

// The group's position in a source log; nullopt before its first commit. With lock, the row stays
// locked to this transaction on PostgreSQL (SQLite's module write lock already covers it).
std::optional<Position> load_position(soci::session& session, Backend backend, const GroupRef& ref, bool lock);
void save_position(soci::session& session, const GroupRef& ref, const Position& position, bool exists);

// Offsets above the committed one that the group already handled (or dead-lettered).
std::vector<std::int64_t> processed_offsets(soci::session& session, const GroupRef& ref, std::int64_t above);
void record_processed(soci::session& session, const GroupRef& ref, const Envelope& event);
// Once the committed offset passes them, the out-of-order records say nothing the offset doesn't.
void forget_processed(soci::session& session, const GroupRef& ref, std::int64_t upto);

void insert_dead_letter(soci::session& session, const std::string& module, const DeadLetter& letter);
std::vector<DeadLetter> dead_letters(soci::session& session, const std::string& module, const std::string& group,
                                     std::size_t limit);
std::optional<DeadLetter> find_dead_letter(soci::session& session, Backend backend, const std::string& module,
                                           const std::string& id, bool lock);
void record_replay_failure(soci::session& session, const std::string& module, const std::string& id,
                           const std::string& error);
void mark_replayed(soci::session& session, const std::string& module, const std::string& id, const std::string& at);

}  // namespace mercato::kernel::bus
