#include "modules/analytics/store/event_store.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::analytics {

namespace {

using kernel::SqlQuery;

// Rows per INSERT: well under both backends' limits on bound values (10 a row).
constexpr std::size_t rows_per_statement = 200;

std::string features_json(const FeatureAnswers& features) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [flag, answer] : features) object[flag] = answer;
    return object.dump();
}

void append_row(SqlQuery& insert, const StoredEvent& e) {
    insert.sql("(").value(e.id).sql(", ").value(e.type).sql(", ").value(e.source).sql(", ");
    insert.nullable(e.user_id).sql(", ").nullable(e.session_id).sql(", ").nullable(e.product_id).sql(", ").value(e.properties).sql(", ").value(e.day).sql(", ").value(e.occurred_at);
    insert.sql(", ").value(features_json(e.features)).sql(")");
}

constexpr const char* insert_head =
    "INSERT INTO analytics.events (id, type, source, user_id, session_id, product_id, properties, day, occurred_at, features) VALUES ";

}  // namespace

void insert_events(soci::session& session, const std::vector<StoredEvent>& events) {
    for (std::size_t start = 0; start < events.size(); start += rows_per_statement) {
        SqlQuery insert(insert_head);
        const std::size_t end = std::min(events.size(), start + rows_per_statement);
        for (std::size_t i = start; i < end; ++i) {
            if (i > start) insert.sql(", ");
            append_row(insert, events[i]);
        }
        insert.execute(session);
    }
}

bool insert_event_once(soci::session& session, const StoredEvent& event) {
    SqlQuery insert(insert_head);
    append_row(insert, event);
    insert.sql(" ON CONFLICT (id) DO NOTHING");
    return insert.execute(session) == 1;
}

std::size_t prune_events(soci::session& session, const std::string& day, std::size_t limit) {
    SqlQuery prune("DELETE FROM analytics.events WHERE id IN (SELECT id FROM analytics.events WHERE day < ");
    prune.value(day).sql(" LIMIT ").value(static_cast<std::int64_t>(limit)).sql(")");
    return prune.execute(session);
}

void save_order(soci::session& session, const OrderCopy& o) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& l : o.items) {
        items.push_back({{"product_id", l.product_id}, {"name", l.name}, {"quantity", l.quantity}, {"unit_price", l.unit_price}});
    }
    SqlQuery insert("INSERT INTO analytics.orders (order_id, user_id, currency, total, items) VALUES (");
    insert.value(o.order_id).sql(", ").value(o.user_id).sql(", ").value(o.currency).sql(", ").value(o.total).sql(", ");
    insert.value(items.dump()).sql(") ON CONFLICT (order_id) DO NOTHING");
    insert.execute(session);
}

std::optional<OrderCopy> find_order(soci::session& session, const std::string& order_id) {
    SqlQuery query("SELECT order_id, user_id, currency, total, items FROM analytics.orders WHERE order_id = ");
    query.value(order_id);
    std::optional<OrderCopy> out;
    query.each_row(session, [&](const soci::row& r) {
        OrderCopy o{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), kernel::row_int64(r, 3), {}};
        for (const auto& l : nlohmann::json::parse(r.get<std::string>(4))) {
            o.items.push_back({l.at("product_id").get<std::string>(), l.at("name").get<std::string>(),
                               l.at("quantity").get<std::int64_t>(), l.at("unit_price").get<std::int64_t>()});
        }
        out = std::move(o);
    });
    return out;
}

bool mark_paid(soci::session& session, const std::string& order_id, const std::string& day) {
    SqlQuery update("UPDATE analytics.orders SET paid_day = ");
    update.value(day).sql(" WHERE order_id = ").value(order_id).sql(" AND paid_day IS NULL");
    return update.execute(session) == 1;
}

}  // namespace mercato::analytics
