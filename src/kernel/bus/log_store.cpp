#include "kernel/bus/log_store.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/sql_values.hpp"

namespace mercato::kernel::bus {

namespace {

constexpr const char* columns = "log_offset, id, topic, event_key, occurred_at, version, payload, traceparent";

std::vector<Envelope> read_rows(soci::rowset<soci::row>& rows) {
    std::vector<Envelope> out;
    for (const auto& row : rows) out.push_back(envelope_from_row(row, 0));
    return out;
}

}  // namespace

Envelope envelope_from_row(const soci::row& row, std::size_t first) {
    Envelope e;
    e.offset = row_int64(row, first);
    e.id = row.get<std::string>(first + 1);
    e.topic = row.get<std::string>(first + 2);
    e.key = row.get<std::string>(first + 3);
    e.occurred_at = row.get<std::string>(first + 4);
    e.version = static_cast<int>(row_int64(row, first + 5));
    e.payload = row.get<std::string>(first + 6);
    e.traceparent = row.get<std::string>(first + 7);
    return e;
}

void append_event(soci::session& session, const std::string& module, const Envelope& e) {
    session << fmt::format("INSERT INTO {}.outbox (id, topic, event_key, occurred_at, version, payload, traceparent) "
                           "VALUES (:id, :topic, :key, :at, :version, :payload, :traceparent)",
                           module),
        soci::use(e.id), soci::use(e.topic), soci::use(e.key), soci::use(e.occurred_at), soci::use(e.version),
        soci::use(e.payload), soci::use(e.traceparent);
}

std::vector<Envelope> read_events(soci::session& session, const std::string& module, std::int64_t after, std::size_t limit) {
    const long long from = after;
    const long long count = static_cast<long long>(limit);
    soci::rowset<soci::row> rows = (session.prepare << fmt::format(
        "SELECT {} FROM {}.outbox WHERE log_offset > :after ORDER BY log_offset LIMIT :limit", columns, module),
        soci::use(from), soci::use(count));
    return read_rows(rows);
}

std::vector<Envelope> read_event_at(soci::session& session, const std::string& module, std::int64_t offset) {
    const long long at = offset;
    soci::rowset<soci::row> rows = (session.prepare << fmt::format(
        "SELECT {} FROM {}.outbox WHERE log_offset = :at", columns, module), soci::use(at));
    return read_rows(rows);
}

std::int64_t head_offset(soci::session& session, Backend backend, const std::string& module) {
    long long head = 0;
    soci::indicator ind = soci::i_ok;
    if (backend == Backend::postgresql) {
        session << fmt::format("SELECT next_offset - 1 FROM {}.outbox_head", module), soci::into(head, ind);
    } else {
        // sqlite_sequence remembers the last offset even after retention emptied the log.
        session << fmt::format("SELECT seq FROM {}.sqlite_sequence WHERE name = 'outbox'", module), soci::into(head, ind);
    }
    return session.got_data() && ind == soci::i_ok ? head : 0;
}

bool has_unsequenced(soci::session& session, const std::string& module) {
    int waiting = 0;
    session << fmt::format("SELECT count(*) FROM (SELECT 1 FROM {}.outbox WHERE log_offset IS NULL LIMIT 1) w", module),
        soci::into(waiting);
    return waiting > 0;
}

std::size_t sequence_events(soci::session& session, const std::string& module, std::size_t limit) {
    long long next = 0;
    session << fmt::format("SELECT next_offset FROM {}.outbox_head WHERE only_row = 1 FOR UPDATE", module), soci::into(next);
    // A fresh statement after the row lock sees every row the previous sequencer numbered.
    const long long count_limit = static_cast<long long>(limit);
    soci::statement numbering = (session.prepare << fmt::format(
        "UPDATE {0}.outbox o SET log_offset = p.n + :base - 1 FROM "
        "(SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM {0}.outbox WHERE log_offset IS NULL "
        "ORDER BY seq LIMIT :limit) p WHERE o.seq = p.seq",
        module), soci::use(next), soci::use(count_limit));
    numbering.execute(true);
    const long long numbered = numbering.get_affected_rows();
    if (numbered > 0) {
        const long long after = next + numbered;
        session << fmt::format("UPDATE {}.outbox_head SET next_offset = :n WHERE only_row = 1", module), soci::use(after);
    }
    return static_cast<std::size_t>(numbered);
}

std::size_t prune_events(soci::session& session, const std::string& module, std::int64_t offset, const std::string& cutoff) {
    const long long upto = offset;
    soci::statement prune = (session.prepare << fmt::format(
        "DELETE FROM {}.outbox WHERE log_offset <= :upto AND occurred_at < :cutoff", module),
        soci::use(upto), soci::use(cutoff));
    prune.execute(true);
    return static_cast<std::size_t>(prune.get_affected_rows());
}

}  // namespace mercato::kernel::bus
