#include "kernel/idempotency.hpp"

#include <optional>

#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/clock.hpp"
#include "kernel/database.hpp"

#include "kernel/problem.hpp"
#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"
#include "kernel/unique_write.hpp"

namespace mercato::kernel {

namespace {

// A key claimed this long ago and never answered belonged to a request that died.
constexpr std::chrono::seconds abandoned_claim{60};

struct Row {
    std::string request_hash;
    std::string state;
    int status = 0;
    std::string body;
    std::string claimed_at;
    std::string expires_at;
};

std::optional<Row> find(soci::session& session, Backend backend, const KeyRequest& r) {
    SqlQuery query(fmt::format("SELECT request_hash, state, response_status, response_body, claimed_at, expires_at FROM "
                               "{}.idempotency_keys WHERE user_id = ",
                               r.module));
    query.value(r.user_id).sql(" AND idempotency_key = ").value(r.key);
    if (backend == Backend::postgresql) query.sql(" FOR UPDATE");
    std::optional<Row> out;
    query.each_row(session, [&](const soci::row& row) {
        out = Row{row.get<std::string>(0), row.get<std::string>(1), 0, {}, row.get<std::string>(4), row.get<std::string>(5)};
        if (row.get_indicator(2) != soci::i_null) out->status = static_cast<int>(row_int64(row, 2));
        if (row.get_indicator(3) != soci::i_null) out->body = row.get<std::string>(3);
    });
    return out;
}

void reclaim(soci::session& session, const KeyRequest& r, const std::string& now, const std::string& expires_at) {
    session << fmt::format("UPDATE {}.idempotency_keys SET request_hash = :h, state = 'in_flight', response_status = NULL, "
                           "response_body = NULL, claimed_at = :c, expires_at = :e WHERE user_id = :u AND idempotency_key = :k",
                           r.module),
        soci::use(r.request_hash), soci::use(now), soci::use(expires_at), soci::use(r.user_id), soci::use(r.key);
}

}  // namespace

KeyClaim claim_idempotency_key(soci::session& session, Backend backend, const KeyRequest& r, const std::string& now,
                               const std::string& expires_at, const std::string& stale_before) {
    auto row = find(session, backend, r);
    if (!row) {
        try {
            write_unique(session, "idempotency_claim", [&] {
                session << fmt::format("INSERT INTO {}.idempotency_keys (user_id, idempotency_key, request_hash, state, "
                                       "claimed_at, expires_at) VALUES (:u, :k, :h, 'in_flight', :c, :e)",
                                       r.module),
                    soci::use(r.user_id), soci::use(r.key), soci::use(r.request_hash), soci::use(now), soci::use(expires_at);
            }, "taken");
            return {};
        } catch (const Problem&) {
            // A request with the same key claimed it in between (on PostgreSQL we waited for it to commit).
            row = find(session, backend, r);
            if (!row) throw;
        }
    }
    if (row->expires_at < now) {
        reclaim(session, r, now, expires_at);
        return {};
    }
    if (row->request_hash != r.request_hash) return {KeyState::mismatch, 0, {}};
    if (row->state == "done") return {KeyState::replay, row->status, row->body};
    if (row->claimed_at < stale_before) {
        reclaim(session, r, now, expires_at);
        return {};
    }
    return {KeyState::in_flight, 0, {}};
}

void complete_idempotency_key(soci::session& session, const KeyRequest& r, int status, const std::string& body) {
    session << fmt::format("UPDATE {}.idempotency_keys SET state = 'done', response_status = :s, response_body = :b "
                           "WHERE user_id = :u AND idempotency_key = :k",
                           r.module),
        soci::use(status), soci::use(body), soci::use(r.user_id), soci::use(r.key);
}

void release_idempotency_key(soci::session& session, const KeyRequest& r) {
    session << fmt::format("DELETE FROM {}.idempotency_keys WHERE user_id = :u AND idempotency_key = :k AND state = 'in_flight'",
                           r.module),
        soci::use(r.user_id), soci::use(r.key);
}

std::size_t prune_idempotency_keys(soci::session& session, const std::string& module, const std::string& now) {
    SqlQuery prune(fmt::format("DELETE FROM {}.idempotency_keys WHERE expires_at < ", module));
    prune.value(now);
    return prune.execute(session);
}

KeyedAnswer run_idempotent(const ModuleDb& module, const std::string& user_id, const std::optional<IdempotencyKey>& key,
                           std::chrono::system_clock::time_point now, std::chrono::hours ttl,
                           const std::function<KeyedAnswer(const std::optional<KeyRequest>& claim)>& work) {
    if (!key) return work(std::nullopt);
    const KeyRequest claim{module.name(), user_id, key->key, key->request_hash};
    const auto answer = module.write([&](soci::session& s) {
        return claim_idempotency_key(s, module.backend(), claim, format_rfc3339(now), format_rfc3339(now + ttl),
                                     format_rfc3339(now - abandoned_claim));
    });
    if (answer.state == KeyState::in_flight) {
        throw Problem::conflict("a request with this Idempotency-Key is being answered; retry shortly");
    }
    if (answer.state == KeyState::mismatch) {
        throw Problem::unprocessable("this Idempotency-Key was used with another request body",
                                     {{"Idempotency-Key", "was used with another request body"}});
    }
    if (answer.state == KeyState::replay) return {answer.status, answer.body, true};
    try {
        return work(claim);
    } catch (...) {
        try {
            module.write([&](soci::session& s) { release_idempotency_key(s, claim); });
        } catch (const std::exception& e) {
            spdlog::warn("{}: could not give back an Idempotency-Key: {}", module.name(), e.what());
        }
        throw;
    }
}

}  // namespace mercato::kernel
