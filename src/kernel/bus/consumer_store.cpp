#include "kernel/bus/consumer_store.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/bus/log_store.hpp"
#include "kernel/clock.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::kernel::bus {

namespace {

constexpr const char* letter_columns =
    "id, group_name, log_offset, event_id, topic, event_key, occurred_at, version, payload, traceparent, error, "
    "attempts, failed_at, status";

std::vector<DeadLetter> read_letters(soci::rowset<soci::row>& rows) {
    std::vector<DeadLetter> out;
    for (const auto& row : rows) {
        DeadLetter d;
        d.id = row.get<std::string>(0);
        d.group = row.get<std::string>(1);
        d.event = envelope_from_row(row, 2);
        d.error = row.get<std::string>(10);
        d.attempts = static_cast<int>(row_int64(row, 11));
        d.failed_at = row.get<std::string>(12);
        d.status = row.get<std::string>(13);
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace

std::optional<Position> load_position(soci::session& session, Backend backend, const GroupRef& ref, bool lock) {
    long long committed = 0;
    long long batch_seq = 0;
    const char* suffix = lock && backend == Backend::postgresql ? " FOR UPDATE" : "";
    session << fmt::format("SELECT committed_offset, batch_seq FROM {}.bus_offsets "
                           "WHERE group_name = :g AND source = :s{}", ref.module, suffix),
        soci::use(ref.group), soci::use(ref.source), soci::into(committed), soci::into(batch_seq);
    if (!session.got_data()) return std::nullopt;
    return Position{committed, batch_seq};
}

void save_position(soci::session& session, const GroupRef& ref, const Position& position, bool exists) {
    const long long committed = position.committed;
    const long long batch_seq = position.batch_seq;
    const std::string now = rfc3339_now();
    if (exists) {
        session << fmt::format("UPDATE {}.bus_offsets SET committed_offset = :c, batch_seq = :b, updated_at = :t "
                               "WHERE group_name = :g AND source = :s", ref.module),
            soci::use(committed), soci::use(batch_seq), soci::use(now), soci::use(ref.group), soci::use(ref.source);
    } else {
        // Two first batches racing both insert: the primary key fails the second, which then retries as a follower.
        session << fmt::format("INSERT INTO {}.bus_offsets (group_name, source, committed_offset, batch_seq, updated_at) "
                               "VALUES (:g, :s, :c, :b, :t)", ref.module),
            soci::use(ref.group), soci::use(ref.source), soci::use(committed), soci::use(batch_seq), soci::use(now);
    }
}

std::vector<std::int64_t> processed_offsets(soci::session& session, const GroupRef& ref, std::int64_t above) {
    const long long from = above;
    soci::rowset<long long> rows = (session.prepare << fmt::format(
        "SELECT log_offset FROM {}.bus_processed WHERE group_name = :g AND source = :s AND log_offset > :o "
        "ORDER BY log_offset", ref.module), soci::use(ref.group), soci::use(ref.source), soci::use(from));
    return {rows.begin(), rows.end()};
}

void record_processed(soci::session& session, const GroupRef& ref, const Envelope& event) {
    const long long offset = event.offset;
    const std::string now = rfc3339_now();
    session << fmt::format("INSERT INTO {}.bus_processed (group_name, source, log_offset, event_id, processed_at) "
                           "VALUES (:g, :s, :o, :e, :t)", ref.module),
        soci::use(ref.group), soci::use(ref.source), soci::use(offset), soci::use(event.id), soci::use(now);
}

void forget_processed(soci::session& session, const GroupRef& ref, std::int64_t upto) {
    const long long until = upto;
    session << fmt::format("DELETE FROM {}.bus_processed WHERE group_name = :g AND source = :s AND log_offset <= :o",
                           ref.module),
        soci::use(ref.group), soci::use(ref.source), soci::use(until);
}

void insert_dead_letter(soci::session& session, const std::string& module, const DeadLetter& d) {
    const long long offset = d.event.offset;
    const std::string source = d.event.source();
    session << fmt::format("INSERT INTO {}.bus_dead_letters (id, group_name, source, log_offset, event_id, topic, "
                           "event_key, occurred_at, version, payload, traceparent, error, attempts, failed_at, status) "
                           "VALUES (:id, :g, :s, :o, :e, :t, :k, :at, :v, :p, :tp, :err, :n, :f, :st)", module),
        soci::use(d.id), soci::use(d.group), soci::use(source), soci::use(offset), soci::use(d.event.id),
        soci::use(d.event.topic), soci::use(d.event.key), soci::use(d.event.occurred_at), soci::use(d.event.version),
        soci::use(d.event.payload), soci::use(d.event.traceparent), soci::use(d.error), soci::use(d.attempts),
        soci::use(d.failed_at), soci::use(d.status);
}

std::vector<DeadLetter> dead_letters(soci::session& session, const std::string& module, const std::string& group,
                                     std::size_t limit) {
    const long long count = static_cast<long long>(limit);
    soci::rowset<soci::row> rows = (session.prepare << fmt::format(
        "SELECT {} FROM {}.bus_dead_letters WHERE group_name = :g AND status = 'dead' ORDER BY id LIMIT :n",
        letter_columns, module), soci::use(group), soci::use(count));
    return read_letters(rows);
}

std::optional<DeadLetter> find_dead_letter(soci::session& session, Backend backend, const std::string& module,
                                           const std::string& id, bool lock) {
    const char* suffix = lock && backend == Backend::postgresql ? " FOR UPDATE" : "";
    soci::rowset<soci::row> rows = (session.prepare << fmt::format(
        "SELECT {} FROM {}.bus_dead_letters WHERE id = :id{}", letter_columns, module, suffix), soci::use(id));
    auto letters = read_letters(rows);
    if (letters.empty()) return std::nullopt;
    return std::move(letters.front());
}

void record_replay_failure(soci::session& session, const std::string& module, const std::string& id,
                           const std::string& error) {
    const std::string now = rfc3339_now();
    session << fmt::format("UPDATE {}.bus_dead_letters SET attempts = attempts + 1, error = :e, failed_at = :t "
                           "WHERE id = :id", module),
        soci::use(error), soci::use(now), soci::use(id);
}

void mark_replayed(soci::session& session, const std::string& module, const std::string& id, const std::string& at) {
    session << fmt::format("UPDATE {}.bus_dead_letters SET status = 'replayed', replayed_at = :at WHERE id = :id", module),
        soci::use(at), soci::use(id);
}

}  // namespace mercato::kernel::bus
