#include "modules/notifications/store/notification_store.hpp"

#include <algorithm>

#include <soci/soci.h>

#include "kernel/newest_first.hpp"
#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::notifications {

namespace {

using kernel::SqlQuery;

constexpr const char* columns =
    "id, user_id, channel, kind, subject, status, order_id, attempts, last_error, created_at, updated_at, recipient, "
    "body_text, body_html, payload, source_event_id, sensitive, next_attempt_at";
constexpr char cursor_mark = 'n';

std::optional<std::string> nullable(const soci::row& r, std::size_t i) {
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    return r.get<std::string>(i);
}

Outgoing from_row(const soci::row& r) {
    Outgoing o;
    o.notification = {r.get<std::string>(0), r.get<std::string>(1),  r.get<std::string>(2),
                      r.get<std::string>(3), r.get<std::string>(4),  r.get<std::string>(5),
                      nullable(r, 6),        static_cast<int>(kernel::row_int64(r, 7)), r.get<std::string>(8),
                      r.get<std::string>(9), r.get<std::string>(10)};
    o.recipient = r.get<std::string>(11);
    o.body_text = r.get<std::string>(12);
    o.body_html = r.get<std::string>(13);
    o.payload = r.get<std::string>(14);
    o.source_event_id = nullable(r, 15);
    o.sensitive = kernel::row_int64(r, 16) != 0;
    o.next_attempt_at = r.get<std::string>(17);
    return o;
}

}  // namespace

bool insert_notification(soci::session& session, const Outgoing& o) {
    const Notification& n = o.notification;
    SqlQuery insert("INSERT INTO notifications.notifications (id, user_id, channel, kind, recipient, subject, body_text, "
                    "body_html, payload, status, order_id, source_event_id, sensitive, attempts, last_error, next_attempt_at, "
                    "created_at, updated_at) VALUES (");
    insert.value(n.id).sql(", ").value(n.user_id).sql(", ").value(n.channel).sql(", ").value(n.kind).sql(", ");
    insert.value(o.recipient).sql(", ").value(n.subject).sql(", ").value(o.body_text).sql(", ").value(o.body_html).sql(", ");
    insert.value(o.payload).sql(", ").value(n.status).sql(", ");
    insert.nullable(n.order_id).sql(", ").nullable(o.source_event_id).sql(", ").value(static_cast<std::int64_t>(o.sensitive)).sql(", 0, '', ").value(o.next_attempt_at).sql(", ");
    insert.value(n.created_at).sql(", ").value(n.updated_at).sql(") ON CONFLICT DO NOTHING");
    return insert.execute(session) == 1;
}

std::vector<Outgoing> lease_due_notifications(soci::session& session, const std::string& now, const std::string& lease_until,
                                              std::size_t limit) {
    // One statement of one text whatever the batch. The outer conditions repeat the subquery's: on
    // PostgreSQL, a copy whose subquery picked a row another copy leased meanwhile waits for that
    // copy's commit, then checks them against the row as leased and leaves it.
    SqlQuery update("UPDATE notifications.notifications SET next_attempt_at = ");
    update.value(lease_until).sql(" WHERE id IN (SELECT id FROM notifications.notifications WHERE status = 'queued' AND next_attempt_at <= ");
    update.value(now).sql(" ORDER BY next_attempt_at LIMIT ").value(static_cast<std::int64_t>(limit));
    update.sql(") AND status = 'queued' AND next_attempt_at <= ").value(now).sql(" RETURNING ").sql(columns);
    std::vector<Outgoing> out;
    update.each_row(session, [&](const soci::row& r) { out.push_back(from_row(r)); });
    // RETURNING keeps no order.
    std::ranges::stable_sort(out, {}, [](const Outgoing& o) { return o.notification.created_at; });
    return out;
}

void release_notification(soci::session& session, const std::string& id, const std::string& lease_until, const std::string& now) {
    SqlQuery update("UPDATE notifications.notifications SET next_attempt_at = ");
    update.value(now).sql(" WHERE id = ").value(id).sql(" AND status = 'queued' AND next_attempt_at = ").value(lease_until);
    update.execute(session);
}

void record_attempt(soci::session& session, const Outgoing& o) {
    const bool done = o.notification.status != status_queued;
    SqlQuery update("UPDATE notifications.notifications SET status = ");
    update.value(o.notification.status).sql(", attempts = ").value(static_cast<std::int64_t>(o.notification.attempts));
    update.sql(", last_error = ").value(o.notification.last_error).sql(", next_attempt_at = ").value(o.next_attempt_at);
    update.sql(", updated_at = ").value(o.notification.updated_at);
    if (done && o.sensitive) update.sql(", body_text = '', body_html = '', payload = '{}'");
    update.sql(" WHERE id = ").value(o.notification.id);
    update.execute(session);
}

kernel::Page<Notification> select_notifications(soci::session& session, const std::optional<std::string>& user_id, std::size_t limit,
                                      const std::string& cursor) {
    SqlQuery query("SELECT ");
    query.sql(columns).sql(" FROM notifications.notifications WHERE 1 = 1");
    if (user_id) query.sql(" AND user_id = ").value(*user_id);
    kernel::newest_first(query, cursor, cursor_mark, limit);
    kernel::Page<Notification> page;
    query.each_row(session, [&](const soci::row& r) { page.items.push_back(from_row(r).notification); });
    page.next_cursor = kernel::newest_first_next(page.items, cursor_mark, limit);
    return page;
}

std::optional<Preferences> find_preferences(soci::session& session, const std::string& user_id) {
    SqlQuery query("SELECT promotional FROM notifications.preferences WHERE user_id = ");
    query.value(user_id);
    std::optional<Preferences> out;
    query.each_row(session, [&](const soci::row& r) { out = Preferences{kernel::row_int64(r, 0) != 0}; });
    return out;
}

void save_preferences(soci::session& session, const std::string& user_id, const Preferences& p, const std::string& at) {
    SqlQuery upsert("INSERT INTO notifications.preferences (user_id, promotional, updated_at) VALUES (");
    upsert.value(user_id).sql(", ").value(static_cast<std::int64_t>(p.promotional)).sql(", ").value(at);
    upsert.sql(") ON CONFLICT (user_id) DO UPDATE SET promotional = excluded.promotional, updated_at = excluded.updated_at");
    upsert.execute(session);
}

}  // namespace mercato::notifications
