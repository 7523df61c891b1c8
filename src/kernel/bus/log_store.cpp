#include "kernel/bus/log_store.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::kernel::bus {

namespace {

constexpr const char* envelope_columns = "id, topic, event_key, occurred_at, version, payload, traceparent";

std::size_t affected(soci::statement& statement) {
    statement.execute(true);
    return static_cast<std::size_t>(statement.get_affected_rows());
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

void append_events(soci::session& session, Backend backend, const std::string& module, std::vector<Envelope>& events) {
    // Statement overhead, not row size, is what limits PostgreSQL here: many rows to a statement.
    constexpr std::size_t rows_per_statement = 100;
    for (std::size_t first = 0; first < events.size(); first += rows_per_statement) {
        const std::size_t last = std::min(events.size(), first + rows_per_statement);
        std::string values;
        for (std::size_t i = first; i < last; ++i) {
            values += fmt::format("{0}(:i{1}, :t{1}, :k{1}, :a{1}, :v{1}, :p{1}, :r{1})", i == first ? "" : ", ", i);
        }
        const std::string insert = fmt::format("INSERT INTO {}.outbox ({}) VALUES {}", module, envelope_columns, values);
        // PostgreSQL: the same statement queues the events for the sequencer.
        const std::string sql = backend == Backend::postgresql
            ? fmt::format("WITH e AS ({} RETURNING seq) INSERT INTO {}.outbox_unsequenced (seq) SELECT seq FROM e", insert, module)
            : insert;
        soci::statement statement(session);
        for (std::size_t i = first; i < last; ++i) {
            Envelope& e = events[i];
            statement.exchange(soci::use(e.id));
            statement.exchange(soci::use(e.topic));
            statement.exchange(soci::use(e.key));
            statement.exchange(soci::use(e.occurred_at));
            statement.exchange(soci::use(e.version));
            statement.exchange(soci::use(e.payload));
            statement.exchange(soci::use(e.traceparent));
        }
        statement.alloc();
        statement.prepare(sql, soci::details::st_one_time_query);
        statement.define_and_bind();
        statement.execute(true);
    }
}

std::vector<Envelope> read_events(soci::session& session, Backend backend, const std::string& module,
                                  std::int64_t after, std::size_t limit) {
    SqlQuery query(backend == Backend::postgresql
        ? fmt::format("SELECT f.log_offset, o.id, o.topic, o.event_key, o.occurred_at, o.version, o.payload, o.traceparent "
                      "FROM {0}.outbox_offsets f JOIN {0}.outbox o ON o.seq = f.seq WHERE f.log_offset > ", module)
        : fmt::format("SELECT log_offset, {} FROM {}.outbox WHERE log_offset > ", envelope_columns, module));
    query.value(after).sql(backend == Backend::postgresql ? " ORDER BY f.log_offset LIMIT " : " ORDER BY log_offset LIMIT ");
    query.value(static_cast<std::int64_t>(limit));
    std::vector<Envelope> out;
    query.each_row(session, [&out](const soci::row& row) { out.push_back(envelope_from_row(row, 0)); });
    return out;
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

std::int64_t pruned_through(soci::session& session, Backend backend, const std::string& module) {
    long long oldest = 0;
    soci::indicator ind = soci::i_ok;
    session << fmt::format("SELECT MIN(log_offset) FROM {}.{}", module,
                           backend == Backend::postgresql ? "outbox_offsets" : "outbox"),
        soci::into(oldest, ind);
    // An empty log has lost everything up to its head (nothing, when it never held an event).
    if (ind != soci::i_ok) return head_offset(session, backend, module);
    return oldest - 1;
}

bool has_unsequenced(soci::session& session, const std::string& module) {
    int waiting = 0;
    session << fmt::format("SELECT count(*) FROM (SELECT 1 FROM {}.outbox_unsequenced LIMIT 1) w", module),
        soci::into(waiting);
    return waiting > 0;
}

std::int64_t unsequenced_count(soci::session& session, Backend backend, const std::string& module) {
    if (backend != Backend::postgresql) return 0;
    long long waiting = 0;
    session << fmt::format("SELECT count(*) FROM {}.outbox_unsequenced", module), soci::into(waiting);
    return waiting;
}

std::size_t sequence_events(soci::session& session, const std::string& module, std::size_t limit) {
    long long next = 0;
    session << fmt::format("SELECT next_offset FROM {}.outbox_head WHERE only_row = 1 FOR UPDATE", module), soci::into(next);
    // A statement run after the row lock sees every event the previous sequencer numbered. The
    // cast keeps PostgreSQL from typing the parameter as a 32-bit integer.
    SqlQuery numbering(fmt::format("WITH moved AS (DELETE FROM {0}.outbox_unsequenced WHERE seq IN "
                                   "(SELECT seq FROM {0}.outbox_unsequenced ORDER BY seq LIMIT ", module));
    numbering.value(static_cast<std::int64_t>(limit))
        .sql(fmt::format(") RETURNING seq) INSERT INTO {}.outbox_offsets (log_offset, seq) SELECT CAST(", module))
        .value(static_cast<std::int64_t>(next))
        .sql(" AS BIGINT) - 1 + row_number() OVER (ORDER BY seq), seq FROM moved");
    const long long numbered = static_cast<long long>(numbering.execute(session));
    if (numbered > 0) {
        const long long after = next + numbered;
        session << fmt::format("UPDATE {}.outbox_head SET next_offset = :n WHERE only_row = 1", module), soci::use(after);
    }
    return static_cast<std::size_t>(numbered);
}

std::size_t prune_events(soci::session& session, Backend backend, const std::string& module, std::int64_t offset,
                         const std::string& cutoff) {
    const long long upto = offset;
    const std::string sql = backend == Backend::postgresql
        ? fmt::format("WITH gone AS (DELETE FROM {0}.outbox_offsets f USING {0}.outbox o "
                      "WHERE o.seq = f.seq AND f.log_offset <= :upto AND o.occurred_at < :cutoff RETURNING f.seq) "
                      "DELETE FROM {0}.outbox WHERE seq IN (SELECT seq FROM gone)", module)
        : fmt::format("DELETE FROM {}.outbox WHERE log_offset <= :upto AND occurred_at < :cutoff", module);
    soci::statement prune = (session.prepare << sql, soci::use(upto), soci::use(cutoff));
    return affected(prune);
}

}  // namespace mercato::kernel::bus
