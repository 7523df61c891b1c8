#include "modules/shipping/store/shipment_store.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::shipping {

namespace {

using kernel::SqlQuery;

constexpr const char* shipment_columns =
    "SELECT id, order_id, user_id, tracking_number, carrier, service_id, status FROM shipping.shipments WHERE ";

std::optional<Tracking> one_shipment(soci::session& session, SqlQuery& query, kernel::Backend backend, bool lock) {
    if (lock && backend == kernel::Backend::postgresql) query.sql(" FOR UPDATE");
    std::optional<Tracking> out;
    query.each_row(session, [&](const soci::row& r) {
        out = Tracking{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                       r.get<std::string>(4), r.get<std::string>(5), r.get<std::string>(6), {}};
    });
    if (!out) return out;
    SqlQuery events("SELECT status, at, location FROM shipping.tracking_events WHERE shipment_id = ");
    events.value(out->shipment_id).sql(" ORDER BY seq");
    events.each_row(session, [&](const soci::row& r) {
        out->events.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
    });
    return out;
}

void insert_event(soci::session& session, const std::string& shipment_id, std::int64_t seq, const TrackingEvent& e,
                  const std::string& source) {
    SqlQuery insert("INSERT INTO shipping.tracking_events (shipment_id, seq, status, at, location, source) VALUES (");
    insert.value(shipment_id).sql(", ").value(seq).sql(", ").value(e.status).sql(", ").value(e.at).sql(", ");
    insert.value(e.location).sql(", ").value(source).sql(")");
    insert.execute(session);
}

}  // namespace

void save_destination(soci::session& session, const OrderDestination& d) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& i : d.items) items.push_back({{"product_id", i.product_id}, {"quantity", i.quantity}});
    SqlQuery insert("INSERT INTO shipping.order_destinations (order_id, user_id, country, postal_code, shipping_option, items, "
                    "created_at) VALUES (");
    insert.value(d.order_id).sql(", ").value(d.user_id).sql(", ").value(d.to.country).sql(", ").value(d.to.postal_code).sql(", ");
    insert.nullable(d.shipping_option).sql(", ").value(items.dump()).sql(", ").value(d.created_at).sql(") ON CONFLICT (order_id) DO NOTHING");
    insert.execute(session);
}

std::optional<OrderDestination> find_destination(soci::session& session, const std::string& order_id) {
    SqlQuery query("SELECT order_id, user_id, country, postal_code, shipping_option, items, created_at FROM "
                   "shipping.order_destinations WHERE order_id = ");
    query.value(order_id);
    std::optional<OrderDestination> out;
    query.each_row(session, [&](const soci::row& r) {
        OrderDestination d{r.get<std::string>(0), r.get<std::string>(1), {r.get<std::string>(2), r.get<std::string>(3)},
                           std::nullopt, {}, r.get<std::string>(6)};
        if (r.get_indicator(4) != soci::i_null) d.shipping_option = r.get<std::string>(4);
        for (const auto& i : nlohmann::json::parse(r.get<std::string>(5))) {
            d.items.push_back({i.at("product_id").get<std::string>(), i.at("quantity").get<std::int64_t>()});
        }
        out = std::move(d);
    });
    return out;
}

bool insert_shipment(soci::session& session, const Tracking& t, const std::string& created_at) {
    SqlQuery insert("INSERT INTO shipping.shipments (id, order_id, user_id, carrier, service_id, tracking_number, status, "
                    "created_at, updated_at) VALUES (");
    insert.value(t.shipment_id).sql(", ").value(t.order_id).sql(", ").value(t.user_id).sql(", ").value(t.carrier).sql(", ");
    insert.value(t.service_id).sql(", ").value(t.tracking_number).sql(", ").value(t.status).sql(", ").value(created_at);
    insert.sql(", ").value(created_at).sql(") ON CONFLICT (order_id) DO NOTHING");
    if (insert.execute(session) == 0) return false;
    for (std::size_t i = 0; i < t.events.size(); ++i) insert_event(session, t.shipment_id, static_cast<std::int64_t>(i) + 1, t.events[i], "system");
    return true;
}

std::optional<Tracking> shipment_of_order(soci::session& session, kernel::Backend backend, const std::string& order_id, bool lock) {
    SqlQuery query(shipment_columns);
    query.sql("order_id = ").value(order_id);
    return one_shipment(session, query, backend, lock);
}

std::optional<Tracking> shipment_by_number(soci::session& session, kernel::Backend backend, const std::string& tracking_number,
                                           bool lock) {
    SqlQuery query(shipment_columns);
    query.sql("tracking_number = ").value(tracking_number);
    return one_shipment(session, query, backend, lock);
}

void append_tracking_event(soci::session& session, const Tracking& shipment, const TrackingEvent& event, const std::string& source) {
    insert_event(session, shipment.shipment_id, static_cast<std::int64_t>(shipment.events.size()) + 1, event, source);
    SqlQuery update("UPDATE shipping.shipments SET status = ");
    update.value(event.status).sql(", updated_at = ").value(event.at).sql(" WHERE id = ").value(shipment.shipment_id);
    update.execute(session);
}

}  // namespace mercato::shipping
