#include "modules/orders/api/orders.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/bus/bus.hpp"
#include "kernel/clock.hpp"
#include "kernel/database.hpp"
#include "kernel/idempotency.hpp"
#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/orders/api/events.hpp"
#include "modules/orders/domain/lifecycle.hpp"
#include "modules/orders/domain/order_json.hpp"
#include "modules/orders/domain/order_rules.hpp"
#include "modules/orders/store/order_store.hpp"
#include "modules/payments/api/events.hpp"
#include "modules/shipping/api/events.hpp"
#include "modules/shipping/api/shipping.hpp"

namespace mercato::orders {

namespace {

using kernel::FieldError;
using kernel::Problem;

constexpr std::size_t sweep_batch = 100;
// The catalog holds an order's stock a little longer than the order waits for payment, so the
// orders sweeper cancels first; the catalog's own sweeper releases it only if that never happens
// (a crash between reserving and storing the order).
constexpr std::chrono::minutes reservation_grace{5};
constexpr const char* system_actor = "system";

Problem no_order() { return Problem::not_found("no such order"); }

}  // namespace

struct Orders::Impl {
    Impl(std::shared_ptr<kernel::Database> database, kernel::bus::Bus& events, catalog::Catalog& stock, OrdersSettings options,
         shipping::Shipping* carriage)
        : db(std::move(database)), bus(events), catalog(stock), settings(std::move(options)), shipping(carriage) {}

    kernel::ModuleDb module() const { return db->module("orders"); }
    std::string stamp(std::chrono::system_clock::time_point t) const { return kernel::format_rfc3339(t); }
    std::string now() const { return stamp(settings.now()); }

    // The order when the viewer may see it; 404 otherwise, so others' orders are not revealed.
    Order visible(soci::session& s, const std::string& id, const Viewer& viewer, bool lock) const {
        auto o = find_order(s, db->backend(), id, lock);
        if (!o || (!viewer.admin && o->user_id != viewer.user_id)) throw no_order();
        return *o;
    }

    // Appends the move to the order's events and publishes it, in the caller's transaction.
    Order move(soci::session& s, Order o, const std::string& to, const std::string& actor, const std::string& reason,
               const nlohmann::json& extra = nlohmann::json::object()) {
        if (!may_move(o.status, to)) {
            throw Problem::conflict(fmt::format("an order that is {} cannot become {}", o.status, to));
        }
        const OrderEvent event{static_cast<int>(o.history.size()) + 1, to, now(), actor, reason};
        append_event(s, o.id, event);
        nlohmann::json payload{{"order_id", o.id}, {"user_id", o.user_id}, {"from", o.status}, {"status", to},
                               {"at", event.at}, {"reason", reason}, {"total", o.total}, {"currency", o.currency}};
        payload.update(extra);
        bus.publish(s, {topic_status_changed, o.id, payload.dump()});
        o.status = to;
        o.updated_at = event.at;
        o.history.push_back({to, event.at});
        return o;
    }

    // Moves the order when it is where `from` says; a repeat (or an order already past it) changes nothing.
    void advance(soci::session& s, const std::string& order_id, const char* from, const char* to, const char* reason) {
        auto o = find_order(s, db->backend(), order_id, true);
        if (!o) {
            spdlog::warn("orders: {} for unknown order {} ignored", reason, order_id);
            return;
        }
        if (o->status == from) move(s, *o, to, system_actor, reason);
    }

    void shipped(soci::session& s, const std::string& order_id, const std::string& shipping_status) {
        // A parcel out for delivery is on its way too, should the carrier have missed its in-transit scan.
        if (shipping_status == "in_transit" || shipping_status == "out_for_delivery") {
            advance(s, order_id, status_processing, status_shipped, "in transit");
        }
        if (shipping_status == "delivered") {
            // A parcel may be reported delivered without an in-transit scan first.
            advance(s, order_id, status_processing, status_shipped, "in transit");
            advance(s, order_id, status_shipped, status_delivered, "delivered");
        }
    }

    // The catalog puts the units back; its subscription to orders.status-changed does it too, should
    // this process stop between the two.
    void release_stock(const std::string& order_id) {
        try {
            catalog.release(order_id);
        } catch (const std::exception& e) {
            spdlog::warn("orders: releasing the stock of {} now failed ({}); the catalog will from the orders log", order_id,
                         e.what());
        }
    }

    Placed place(const std::string& user_id, const NewOrder& request, const std::optional<IdempotencyKey>& key) {
        kernel::check_fields(order_problems(request));
        Placed placed;
        const auto answer = kernel::run_idempotent(module(), user_id, key, settings.now(), settings.idempotency_ttl,
                                                   [&](const std::optional<kernel::KeyRequest>& claim) {
                                                       placed = place_claimed(user_id, request, claim);
                                                       return kernel::KeyedAnswer{201, placed.body, false};
                                                   });
        if (!answer.replayed) return placed;
        const auto id = nlohmann::json::parse(answer.body).at("id").get<std::string>();
        return {module().read([&](soci::session& s) { return visible(s, id, {user_id, false}, false); }), answer.body, true};
    }

    // The catalog's reservation, its shortfalls named by the order's own lines.
    catalog::Reservation reserve(const std::string& order_id, const NewOrder& request,
                                 const std::vector<catalog::ReservationLine>& lines) {
        try {
            return catalog.reserve(order_id, lines,
                                   std::chrono::duration_cast<std::chrono::seconds>(settings.payment_window + reservation_grace));
        } catch (const catalog::OutOfStock& e) {
            std::vector<FieldError> errors;
            for (const auto& s : e.shortfalls()) {
                for (std::size_t i = 0; i < request.items.size(); ++i) {
                    if (request.items[i].product_id != s.product_id) continue;
                    errors.push_back({fmt::format("items[{}].quantity", i),
                                      s.available > 0 ? fmt::format("{} asked, {} in stock", s.requested, s.available)
                                                      : std::string("out of stock or not for sale")});
                }
            }
            throw Problem(409, kernel::status_title(409), "not enough stock for every line; nothing was reserved", std::move(errors));
        }
    }

    // What the chosen shipping option costs for these lines to this address; 0 without one. Checked
    // before any stock is reserved, its problems named by the order's own fields.
    std::int64_t shipping_cost(const NewOrder& request) {
        if (!request.shipping_option) return 0;
        if (shipping == nullptr) kernel::check_fields({{"shipping_option", "this shop does not ship; leave it out"}});
        std::vector<shipping::Item> items;
        for (const auto& l : request.items) items.push_back({l.product_id, l.quantity});
        try {
            return shipping->quote(items, {request.shipping_address.country, request.shipping_address.postal_code}, *request.shipping_option)
                .amount;
        } catch (const Problem& e) {
            std::vector<FieldError> errors = e.errors();
            for (auto& error : errors) {
                if (error.field.starts_with("destination")) error.field.replace(0, std::string("destination").size(), "shipping_address");
            }
            throw Problem(e.status(), e.title(), e.detail(), std::move(errors));
        }
    }

    Placed place_claimed(const std::string& user_id, const NewOrder& request, const std::optional<kernel::KeyRequest>& claim) {
        const std::int64_t shipping_amount = shipping_cost(request);
        const auto t = settings.now();
        Order o;
        o.id = kernel::new_id("ord");
        o.user_id = user_id;
        o.shipping_address = request.shipping_address;
        o.shipping_option = request.shipping_option;
        o.pay_by = stamp(t + settings.payment_window);
        o.created_at = o.updated_at = stamp(t);

        std::vector<catalog::ReservationLine> lines;
        for (const auto& l : request.items) lines.push_back({l.product_id, l.quantity});
        const auto reservation = reserve(o.id, request, lines);
        // From here on the stock is held: any failure gives it back before it leaves.
        try {
            o.currency = reservation.lines.front().currency;
            std::vector<FieldError> mixed;
            for (std::size_t i = 0; i < reservation.lines.size(); ++i) {
                const auto& r = reservation.lines[i];
                if (r.currency != o.currency) {
                    mixed.push_back({fmt::format("items[{}].product_id", i),
                                     fmt::format("is priced in {}, the order in {}", r.currency, o.currency)});
                }
                o.items.push_back({r.product_id, r.sku, r.name, r.quantity, r.price});
                o.subtotal += r.price * r.quantity;
            }
            if (!mixed.empty()) throw Problem::unprocessable("all lines of an order share one currency", std::move(mixed));
            o.shipping_cost = shipping_amount;
            o.total = o.subtotal + o.shipping_cost;
            const OrderEvent placed{1, status_pending, o.created_at, user_id, "placed"};
            o.status = status_pending;
            o.history.push_back({placed.status, placed.at});
            const std::string body = order_json(o).dump();
            if (settings.before_store) settings.before_store();
            module().write([&](soci::session& s) {
                insert_order(s, o, placed);
                bus.publish(s, {topic_created, o.id, nlohmann::json{{"order", order_json(o)}}.dump()});
                if (claim) kernel::complete_idempotency_key(s, *claim, 201, body);
            });
            return {o, body, false};
        } catch (...) {
            release_stock(o.id);
            throw;
        }
    }

    std::shared_ptr<kernel::Database> db;
    kernel::bus::Bus& bus;
    catalog::Catalog& catalog;
    OrdersSettings settings;
    shipping::Shipping* shipping;
};

Orders::Orders(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog, OrdersSettings settings,
               shipping::Shipping* shipping)
    : impl_(std::make_unique<Impl>(std::move(db), bus, catalog, std::move(settings), shipping)) {}

Orders::~Orders() = default;

Placed Orders::place(const std::string& user_id, const NewOrder& order, const std::optional<IdempotencyKey>& key) {
    return impl_->place(user_id, order, key);
}

Order Orders::order(const std::string& order_id, const Viewer& viewer) {
    return impl_->module().read([&](soci::session& s) { return impl_->visible(s, order_id, viewer, false); });
}

kernel::Page<Order> Orders::orders(const Viewer& viewer, const OrderQuery& query) {
    OrderQuery scoped = query;
    if (!viewer.admin) scoped.user_id = viewer.user_id;
    if (scoped.status && !is_status(*scoped.status)) {
        throw Problem::unprocessable("the query has invalid parameters", {{"status", "is not an order status"}});
    }
    return impl_->module().read([&](soci::session& s) { return select_orders(s, scoped); });
}

Order Orders::set_status(const std::string& order_id, const std::string& status, const std::string& actor) {
    if (!is_status(status)) kernel::check_fields({{"status", "must be one of pending, processing, shipped, delivered, cancelled, returned"}});
    // Returned is reached by approving a return, which says what came back and what to refund.
    if (status == status_returned) throw Problem::conflict("an order becomes returned when an admin approves its return");
    const Order moved = impl_->module().write([&](soci::session& s) {
        const Order o = impl_->visible(s, order_id, {actor, true}, true);
        return impl_->move(s, o, status, actor, "set by an admin");
    });
    if (status == status_cancelled) impl_->release_stock(order_id);
    return moved;
}

Order Orders::cancel(const std::string& order_id, const Viewer& viewer) {
    const Order cancelled = impl_->module().write([&](soci::session& s) {
        const Order o = impl_->visible(s, order_id, viewer, true);
        return impl_->move(s, o, status_cancelled, viewer.user_id, viewer.admin ? "cancelled by an admin" : "cancelled by the customer");
    });
    impl_->release_stock(order_id);
    return cancelled;
}

ReturnRequest Orders::request_return(const std::string& order_id, const Viewer& viewer, const std::vector<LineRequest>& items,
                                     const std::string& reason) {
    auto& impl = *impl_;
    return impl.module().write([&](soci::session& s) {
        const Order o = impl.visible(s, order_id, viewer, true);
        if (o.user_id != viewer.user_id) throw no_order();  // returns are the customer's to ask for
        if (o.status != status_delivered) throw Problem::conflict("only a delivered order can be returned");
        kernel::check_fields(return_problems(o, items, reason));
        if (has_open_return(s, order_id)) throw Problem::conflict("the order has a return already");
        const std::string at = impl.now();
        ReturnRequest r{kernel::new_id("ret"), order_id, o.user_id, "requested", items, reason, at, at};
        insert_return(s, r);
        return r;
    });
}

ReturnRequest Orders::decide_return(const std::string& order_id, const std::string& return_id, bool approve,
                                    const std::string& actor) {
    auto& impl = *impl_;
    return impl.module().write([&](soci::session& s) {
        const Order o = impl.visible(s, order_id, {actor, true}, true);
        auto r = find_return(s, order_id, return_id);
        if (!r) throw Problem::not_found("no such return");
        if (r->status != "requested") throw Problem::conflict(fmt::format("the return was {} already", r->status));
        r->status = approve ? "approved" : "rejected";
        r->updated_at = impl.now();
        set_return_status(s, r->id, r->status, r->updated_at);
        if (approve) {
            std::int64_t amount = 0;
            for (const auto& line : r->items) {
                const auto bought = std::find_if(o.items.begin(), o.items.end(),
                                                 [&](const OrderLine& l) { return l.product_id == line.product_id; });
                amount += bought->unit_price * line.quantity;
            }
            const nlohmann::json extra{
                {"return", {{"id", r->id}, {"items", lines_json(r->items)}, {"amount", amount}, {"reason", r->reason}}}};
            impl.move(s, o, status_returned, actor, "return " + r->id + " approved", extra);
        }
        return *r;
    });
}

void Orders::payment_succeeded(const std::string& order_id) {
    impl_->module().write([&](soci::session& s) {
        impl_->advance(s, order_id, status_pending, status_processing, "payment succeeded");
    });
}

void Orders::shipment_update(const std::string& order_id, const std::string& shipping_status) {
    impl_->module().write([&](soci::session& s) { impl_->shipped(s, order_id, shipping_status); });
}

void Orders::follow_payments_and_shipping(kernel::bus::Bus& bus) {
    if (impl_->db->serves("payments")) {
        bus.subscribe({"orders.payments", "orders", {payments::topic_processed}, [this](const kernel::bus::Envelope& e, soci::session& s) {
                           const auto payload = nlohmann::json::parse(e.payload);
                           if (payload.value("status", "") != "succeeded") return;  // a failed payment leaves the order pending
                           impl_->advance(s, payload.at("order_id").get<std::string>(), status_pending, status_processing,
                                          "payment succeeded");
                       }});
    }
    if (impl_->db->serves("shipping")) {
        bus.subscribe({"orders.shipping", "orders", {shipping::topic_updated}, [this](const kernel::bus::Envelope& e, soci::session& s) {
                           const auto payload = nlohmann::json::parse(e.payload);
                           impl_->shipped(s, payload.at("order_id").get<std::string>(), payload.at("status").get<std::string>());
                       }});
    }
}

std::size_t Orders::expire_unpaid() {
    auto& impl = *impl_;
    std::size_t cancelled = 0;
    for (;;) {
        const auto due = impl.module().read([&](soci::session& s) { return unpaid_orders(s, impl.now(), sweep_batch); });
        for (const auto& id : due) {
            // Each in its own locked transaction: a payment racing the sweeper either lands first or finds it cancelled.
            const bool moved = impl.module().write([&](soci::session& s) {
                auto o = find_order(s, impl.db->backend(), id, true);
                if (!o || o->status != status_pending || o->pay_by >= impl.now()) return false;
                impl.move(s, *o, status_cancelled, system_actor, "payment window closed");
                return true;
            });
            if (moved) {
                impl.release_stock(id);
                ++cancelled;
            }
        }
        if (due.size() < sweep_batch) return cancelled;
    }
}

std::size_t Orders::forget_old_keys() {
    return impl_->module().write(
        [&](soci::session& s) { return kernel::prune_idempotency_keys(s, "orders", impl_->now()); });
}

}  // namespace mercato::orders
