#include "modules/payments/store/payment_store.hpp"

#include <soci/soci.h>

#include "kernel/newest_first.hpp"
#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::payments {

namespace {

using kernel::SqlQuery;

constexpr const char* payment_columns =
    "SELECT id, order_id, user_id, status, method, amount, currency, refunded_amount, provider, provider_ref, reference, "
    "card_brand, card_last4, failure_code, failure_message, created_at, updated_at FROM payments.payments WHERE ";
constexpr const char* refund_columns =
    "SELECT id, payment_id, amount, status, reason, created_at, source, actor, provider_ref FROM payments.refunds WHERE ";
constexpr const char* dispute_columns =
    "SELECT id, payment_id, order_id, provider, provider_dispute_id, status, reason, amount, currency, created_at, updated_at, "
    "event_at FROM payments.disputes WHERE ";
constexpr char dispute_cursor_mark = 'd';

std::string text(const soci::row& r, std::size_t i) { return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i); }

// Empty optional columns are NULL, so the partial unique index on references skips them.
std::optional<std::string> unless_empty(const std::string& value) {
    if (value.empty()) return std::nullopt;
    return value;
}

Payment payment_from_row(const soci::row& r) {
    return {r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4),
            kernel::row_int64(r, 5), r.get<std::string>(6), kernel::row_int64(r, 7), r.get<std::string>(8), text(r, 9),
            text(r, 10), text(r, 11), text(r, 12), text(r, 13), text(r, 14), r.get<std::string>(15), r.get<std::string>(16)};
}

std::optional<Payment> one_payment(soci::session& session, SqlQuery& query, kernel::Backend backend, bool lock) {
    if (lock && backend == kernel::Backend::postgresql) query.sql(" FOR UPDATE");
    std::optional<Payment> out;
    query.each_row(session, [&](const soci::row& r) { out = payment_from_row(r); });
    return out;
}

StoredRefund refund_from_row(const soci::row& r) {
    StoredRefund out{{r.get<std::string>(0), r.get<std::string>(1), kernel::row_int64(r, 2), r.get<std::string>(3),
                      r.get<std::string>(4), r.get<std::string>(5)},
                     std::nullopt, r.get<std::string>(7), text(r, 8)};
    if (r.get_indicator(6) != soci::i_null) out.source = r.get<std::string>(6);
    return out;
}

StoredDispute dispute_from_row(const soci::row& r) {
    return {{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4),
             r.get<std::string>(5), r.get<std::string>(6), kernel::row_int64(r, 7), r.get<std::string>(8), r.get<std::string>(9),
             r.get<std::string>(10)},
            kernel::row_int64(r, 11)};
}

std::vector<std::string> ids(soci::session& session, const SqlQuery& query) {
    std::vector<std::string> out;
    query.each_row(session, [&](const soci::row& r) { out.push_back(r.get<std::string>(0)); });
    return out;
}

}  // namespace

void insert_payment(soci::session& session, const Payment& p) {
    SqlQuery insert("INSERT INTO payments.payments (id, order_id, user_id, status, method, amount, currency, refunded_amount, "
                    "provider, provider_ref, reference, card_brand, card_last4, failure_code, failure_message, created_at, "
                    "updated_at) VALUES (");
    insert.value(p.id).sql(", ").value(p.order_id).sql(", ").value(p.user_id).sql(", ").value(p.status).sql(", ");
    insert.value(p.method).sql(", ").value(p.amount).sql(", ").value(p.currency).sql(", ").value(p.refunded_amount);
    insert.sql(", ").value(p.provider);
    for (const std::string* optional : {&p.provider_ref, &p.reference, &p.card_brand, &p.card_last4, &p.failure_code, &p.failure_message}) {
        insert.sql(", ").nullable(unless_empty(*optional));
    }
    insert.sql(", ").value(p.created_at).sql(", ").value(p.updated_at).sql(")");
    insert.execute(session);
}

std::optional<Payment> find_payment(soci::session& session, kernel::Backend backend, const std::string& id, bool lock) {
    SqlQuery query(payment_columns);
    query.sql("id = ").value(id);
    return one_payment(session, query, backend, lock);
}

std::optional<Payment> find_by_reference(soci::session& session, kernel::Backend backend, const std::string& reference, bool lock) {
    SqlQuery query(payment_columns);
    query.sql("reference = ").value(reference);
    return one_payment(session, query, backend, lock);
}

std::optional<Payment> live_payment(soci::session& session, kernel::Backend backend, const std::string& order_id, bool lock) {
    SqlQuery query(payment_columns);
    query.sql("order_id = ").value(order_id).sql(" AND status <> 'failed'");
    return one_payment(session, query, backend, lock);
}

std::optional<Payment> latest_payment(soci::session& session, const std::string& order_id) {
    SqlQuery query(payment_columns);
    query.sql("order_id = ").value(order_id).sql(" ORDER BY CASE WHEN status = 'failed' THEN 1 ELSE 0 END, created_at DESC, id DESC LIMIT 1");
    return one_payment(session, query, kernel::Backend::sqlite, false);
}

bool finish_payment(soci::session& session, const Payment& p) {
    SqlQuery update("UPDATE payments.payments SET status = ");
    update.value(p.status).sql(", provider_ref = ").value(p.provider_ref).sql(", failure_code = ").value(p.failure_code);
    update.sql(", failure_message = ").value(p.failure_message).sql(", updated_at = ").value(p.updated_at);
    update.sql(" WHERE id = ").value(p.id).sql(" AND status = 'pending'");
    return update.execute(session) == 1;
}

bool take_refund_amount(soci::session& session, const std::string& payment_id, std::int64_t amount, const std::string& at) {
    SqlQuery update("UPDATE payments.payments SET refunded_amount = refunded_amount + ");
    update.value(amount).sql(", updated_at = ").value(at).sql(" WHERE id = ").value(payment_id);
    update.sql(" AND status IN ('succeeded', 'partially_refunded') AND refunded_amount + ").value(amount).sql(" <= amount");
    return update.execute(session) == 1;
}

void give_back_refund_amount(soci::session& session, const std::string& payment_id, std::int64_t amount, const std::string& at) {
    SqlQuery update("UPDATE payments.payments SET refunded_amount = refunded_amount - ");
    update.value(amount).sql(", updated_at = ").value(at).sql(" WHERE id = ").value(payment_id);
    update.execute(session);
}

void set_payment_status(soci::session& session, const std::string& payment_id, const std::string& status, const std::string& at) {
    SqlQuery update("UPDATE payments.payments SET status = ");
    update.value(status).sql(", updated_at = ").value(at).sql(" WHERE id = ").value(payment_id);
    update.execute(session);
}

std::vector<std::string> pending_payments(soci::session& session, const std::string& method, const std::string& before,
                                          std::size_t limit) {
    SqlQuery query("SELECT id FROM payments.payments WHERE status = 'pending' AND method = ");
    query.value(method).sql(" AND created_at < ").value(before).sql(" ORDER BY created_at LIMIT ");
    query.value(static_cast<std::int64_t>(limit));
    return ids(session, query);
}

bool insert_refund(soci::session& session, const StoredRefund& r) {
    SqlQuery insert("INSERT INTO payments.refunds (id, payment_id, amount, status, reason, source, actor, created_at, updated_at) VALUES (");
    insert.value(r.refund.id).sql(", ").value(r.refund.payment_id).sql(", ").value(r.refund.amount).sql(", ");
    insert.value(r.refund.status).sql(", ").value(r.refund.reason).sql(", ");
    insert.nullable(r.source);
    insert.sql(", ").value(r.actor).sql(", ").value(r.refund.created_at).sql(", ").value(r.refund.created_at);
    insert.sql(") ON CONFLICT DO NOTHING");
    return insert.execute(session) == 1;
}

std::optional<StoredRefund> find_refund(soci::session& session, kernel::Backend backend, const std::string& id, bool lock) {
    SqlQuery query(refund_columns);
    query.sql("id = ").value(id);
    if (lock && backend == kernel::Backend::postgresql) query.sql(" FOR UPDATE");
    std::optional<StoredRefund> out;
    query.each_row(session, [&](const soci::row& r) { out = refund_from_row(r); });
    return out;
}

std::optional<StoredRefund> refund_by_source(soci::session& session, const std::string& source) {
    SqlQuery query(refund_columns);
    query.sql("source = ").value(source);
    std::optional<StoredRefund> out;
    query.each_row(session, [&](const soci::row& r) { out = refund_from_row(r); });
    return out;
}

void finish_refund(soci::session& session, const std::string& id, const std::string& status, const std::string& provider_ref,
                   const std::string& at) {
    SqlQuery update("UPDATE payments.refunds SET status = ");
    update.value(status).sql(", provider_ref = ").value(provider_ref).sql(", updated_at = ").value(at);
    update.sql(" WHERE id = ").value(id);
    update.execute(session);
}

std::int64_t refunded_total(soci::session& session, const std::string& payment_id) {
    SqlQuery query("SELECT COALESCE(SUM(amount), 0) FROM payments.refunds WHERE status = 'succeeded' AND payment_id = ");
    query.value(payment_id);
    std::int64_t total = 0;
    query.each_row(session, [&](const soci::row& r) { total = kernel::row_int64(r, 0); });
    return total;
}

std::vector<std::string> pending_refunds(soci::session& session, const std::string& before, std::size_t limit) {
    SqlQuery query("SELECT id FROM payments.refunds WHERE status = 'pending' AND created_at <= ");
    query.value(before).sql(" ORDER BY created_at LIMIT ").value(static_cast<std::int64_t>(limit));
    return ids(session, query);
}

bool record_provider_event(soci::session& session, const std::string& provider, const std::string& event_id,
                           const std::string& type, const std::string& at) {
    SqlQuery insert("INSERT INTO payments.provider_events (provider, event_id, type, received_at) VALUES (");
    insert.value(provider).sql(", ").value(event_id).sql(", ").value(type).sql(", ").value(at).sql(") ON CONFLICT DO NOTHING");
    return insert.execute(session) == 1;
}

std::optional<StoredDispute> find_dispute(soci::session& session, kernel::Backend backend, const std::string& provider,
                                          const std::string& provider_dispute_id) {
    SqlQuery query(dispute_columns);
    query.sql("provider = ").value(provider).sql(" AND provider_dispute_id = ").value(provider_dispute_id);
    if (backend == kernel::Backend::postgresql) query.sql(" FOR UPDATE");
    std::optional<StoredDispute> out;
    query.each_row(session, [&](const soci::row& r) { out = dispute_from_row(r); });
    return out;
}

void insert_dispute(soci::session& session, const StoredDispute& stored) {
    const Dispute& d = stored.dispute;
    session << "INSERT INTO payments.disputes (id, payment_id, order_id, provider, provider_dispute_id, status, reason, amount, "
               "currency, created_at, updated_at, event_at) VALUES (:id, :p, :o, :pv, :pd, :s, :r, :a, :c, :ca, :ua, :e)",
        soci::use(d.id), soci::use(d.payment_id), soci::use(d.order_id), soci::use(d.provider), soci::use(d.provider_dispute_id),
        soci::use(d.status), soci::use(d.reason), soci::use(d.amount), soci::use(d.currency), soci::use(d.created_at),
        soci::use(d.updated_at), soci::use(stored.event_at);
}

void update_dispute(soci::session& session, const StoredDispute& stored) {
    SqlQuery update("UPDATE payments.disputes SET status = ");
    update.value(stored.dispute.status).sql(", reason = ").value(stored.dispute.reason).sql(", amount = ");
    update.value(stored.dispute.amount).sql(", updated_at = ").value(stored.dispute.updated_at).sql(", event_at = ");
    update.value(stored.event_at).sql(" WHERE id = ").value(stored.dispute.id);
    update.execute(session);
}

kernel::Page<Dispute> select_disputes(soci::session& session, const std::optional<std::string>& payment_id, std::size_t limit,
                            const std::string& cursor) {
    SqlQuery query(dispute_columns);
    query.sql("1 = 1");
    if (payment_id) query.sql(" AND payment_id = ").value(*payment_id);
    kernel::newest_first(query, cursor, dispute_cursor_mark, limit);
    kernel::Page<Dispute> page;
    query.each_row(session, [&](const soci::row& r) { page.items.push_back(dispute_from_row(r).dispute); });
    page.next_cursor = kernel::newest_first_next(page.items, dispute_cursor_mark, limit);
    return page;
}

}  // namespace mercato::payments
