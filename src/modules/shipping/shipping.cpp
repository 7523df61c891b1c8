#include "modules/shipping/api/shipping.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/bus/bus.hpp"
#include "kernel/clock.hpp"
#include "kernel/config.hpp"
#include "kernel/country.hpp"
#include "kernel/database.hpp"
#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "kernel/webhook_signature.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/orders/api/events.hpp"
#include "modules/payments/api/events.hpp"
#include "modules/shipping/api/events.hpp"
#include "modules/shipping/carriers/table_carrier.hpp"
#include "modules/shipping/domain/builtin_rates.hpp"
#include "modules/shipping/domain/rate_table_toml.hpp"
#include "modules/shipping/domain/tracking_rules.hpp"
#include "modules/shipping/store/shipment_store.hpp"

namespace mercato::shipping {

namespace {

using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

constexpr std::size_t max_items = 100;
constexpr std::int64_t max_quantity = 1000;
constexpr std::size_t max_postal_code_length = 16;

RateTable load_rate_table(const std::string& path) {
    if (path.empty()) return parse_rate_table(builtin_rate_table_text(), "built-in config/shipping_rates.toml");
    std::ifstream in(path);
    if (!in) throw kernel::ConfigError(fmt::format("shipping.rates_file '{}' cannot be read", path));
    std::ostringstream text;
    text << in.rdbuf();
    return parse_rate_table(text.str(), path);
}

}  // namespace

struct Shipping::Impl {
    Impl(std::shared_ptr<kernel::Database> database, kernel::bus::Bus& events, catalog::Catalog& products, ShippingSettings options)
        : db(std::move(database)), bus(events), catalog(products), settings(std::move(options)), table(load_rate_table(settings.rates_file)) {
        carriers.push_back(std::make_unique<TableCarrier>(table));
    }

    kernel::ModuleDb module() const { return db->module("shipping"); }
    kernel::Backend backend() const { return db->backend(); }
    std::string now() const { return kernel::format_rfc3339(settings.now()); }

    // The items' weight (a product without one weighs the table's default) and subtotal, each bad
    // line named; a product priced in another currency than the rates cannot be compared with thresholds.
    Parcel parcel(const std::vector<Item>& items, std::vector<FieldError>& errors) {
        Parcel p{0, 0};
        if (items.empty() || items.size() > max_items) errors.push_back({"items", "must list 1 to 100 products"});
        for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
            const auto& item = items[i];
            if (item.quantity < 1 || item.quantity > max_quantity) {
                errors.push_back({fmt::format("items[{}].quantity", i), "must be 1 to 1000"});
                continue;
            }
            std::optional<catalog::Product> product;
            try {
                product = catalog.product(item.product_id);
            } catch (const Problem& e) {
                if (e.status() != 404) throw;
                errors.push_back({fmt::format("items[{}].product_id", i), "is no product on sale"});
                continue;
            }
            if (product->currency != table.currency) {
                errors.push_back({fmt::format("items[{}].product_id", i),
                                  fmt::format("is priced in {}; shipping rates are in {}", product->currency, table.currency)});
                continue;
            }
            p.weight_grams += product->weight_grams.value_or(table.default_weight_grams) * item.quantity;
            p.subtotal += product->price * item.quantity;
        }
        return p;
    }

    std::vector<Option> options(const std::vector<Item>& items, const Destination& to) {
        std::vector<FieldError> errors;
        if (!kernel::is_country(to.country)) errors.push_back({"destination.country", "must be an ISO 3166-1 alpha-2 code"});
        if (to.postal_code.empty() || to.postal_code.size() > max_postal_code_length) {
            errors.push_back({"destination.postal_code", "must be 1 to 16 characters"});
        }
        const Parcel p = parcel(items, errors);
        kernel::check_fields(std::move(errors));
        std::vector<Option> all;
        for (const auto& carrier : carriers) {
            for (auto& o : carrier->rate(to, p)) all.push_back(std::move(o));
        }
        if (all.empty()) {
            const bool goes_there = std::ranges::any_of(carriers, [&](const auto& c) { return !c->rate(to, {1, p.subtotal}).empty(); });
            if (goes_there) {
                kernel::check_fields({{"items", fmt::format("the parcel weighs {} g, more than any service to {} carries",
                                                            p.weight_grams, to.country)}});
            }
            kernel::check_fields({{"destination", fmt::format("no carrier delivers to {} {}", to.country, to.postal_code)}});
        }
        std::ranges::sort(all, {}, [](const Option& o) { return std::tie(o.amount, o.max_days, o.id); });
        return all;
    }

    Carrier* carrier_of(const std::string& service_id) {
        for (const auto& c : carriers) {
            if (c->carrier_name(service_id)) return c.get();
        }
        return nullptr;
    }

    void order_placed(soci::session& s, const json& payload) {
        const auto& order = payload.at("order");
        OrderDestination d;
        d.order_id = order.at("id").get<std::string>();
        d.user_id = order.at("user_id").get<std::string>();
        d.to = {order.at("shipping_address").at("country").get<std::string>(),
                order.at("shipping_address").at("postal_code").get<std::string>()};
        if (const auto option = order.find("shipping_option"); option != order.end() && option->is_string()) {
            d.shipping_option = option->get<std::string>();
        }
        for (const auto& line : order.at("items")) {
            d.items.push_back({line.at("product_id").get<std::string>(), line.at("quantity").get<std::int64_t>()});
        }
        d.created_at = now();
        save_destination(s, d);
    }

    // A shipment for a paid order, with the service it chose (or the cheapest that carries it).
    void order_paid(soci::session& s, const json& payment) {
        if (payment.value("status", "") != "succeeded") return;
        const auto order_id = payment.at("order_id").get<std::string>();
        if (shipment_of_order(s, backend(), order_id, false)) return;
        const auto d = find_destination(s, order_id);
        // The orders log and the payments log are read apart: the order's news may still be on its way.
        if (!d) throw std::runtime_error("order " + order_id + " was paid before shipping heard of it; trying again");
        std::string service_id;
        if (d->shipping_option && carrier_of(*d->shipping_option)) {
            service_id = *d->shipping_option;
        } else {
            try {
                service_id = options(d->items, d->to).front().id;
            } catch (const Problem& e) {
                spdlog::error("shipping: order {} is paid but no service carries it ({}); ship it by hand", order_id, e.what());
                return;
            }
        }
        Carrier& carrier = *carrier_of(service_id);
        const std::string at = now();
        Tracking t{kernel::new_id("shp"), order_id, d->user_id, carrier.create_shipment(service_id, order_id),
                   *carrier.carrier_name(service_id), service_id, status_label_created, {{status_label_created, at, ""}}};
        if (insert_shipment(s, t, at)) publish(s, t, t.events.back());
    }

    void publish(soci::session& s, const Tracking& t, const TrackingEvent& e) {
        json payload{{"order_id", t.order_id}, {"user_id", t.user_id}, {"shipment_id", t.shipment_id},
                     {"tracking_number", t.tracking_number}, {"carrier", t.carrier}, {"status", e.status}, {"at", e.at}};
        if (!e.location.empty()) payload["location"] = e.location;
        bus.publish(s, {topic_updated, t.order_id, payload.dump()});
    }

    Updated apply(const TrackingUpdate& u, const std::string& source) {
        kernel::check_fields(update_problems(u));
        return module().write([&](soci::session& s) {
            auto t = shipment_by_number(s, backend(), u.tracking_number, true);
            if (!t) throw Problem::not_found("no shipment has this tracking number");
            if (!moves_on(t->events, u.status)) return Updated{*t, false};
            const TrackingEvent e{u.status, now(), u.location};
            append_tracking_event(s, *t, e, source);
            t->events.push_back(e);
            t->status = e.status;
            publish(s, *t, e);
            return Updated{*t, true};
        });
    }

    Tracking visible(const std::optional<Tracking>& t, const std::string& user_id, bool admin) const {
        if (!t || (!admin && t->user_id != user_id)) throw Problem::not_found("no shipment to show");
        return *t;
    }

    std::shared_ptr<kernel::Database> db;
    kernel::bus::Bus& bus;
    catalog::Catalog& catalog;
    ShippingSettings settings;
    RateTable table;
    std::vector<std::unique_ptr<Carrier>> carriers;
};

Shipping::Shipping(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog, ShippingSettings settings)
    : impl_(std::make_unique<Impl>(std::move(db), bus, catalog, std::move(settings))) {}

Shipping::~Shipping() = default;

std::vector<Option> Shipping::calculate(const std::vector<Item>& items, const Destination& to) { return impl_->options(items, to); }

Option Shipping::quote(const std::vector<Item>& items, const Destination& to, const std::string& option_id) {
    const auto all = impl_->options(items, to);
    const auto it = std::ranges::find(all, option_id, &Option::id);
    if (it == all.end()) {
        std::string offered;
        for (const auto& o : all) offered += (offered.empty() ? "" : ", ") + o.id;
        kernel::check_fields({{"shipping_option", fmt::format("does not carry these items there; choose one of {}", offered)}});
    }
    return *it;
}

Tracking Shipping::track_order(const std::string& order_id, const std::string& user_id, bool admin) {
    return impl_->visible(impl_->module().read([&](soci::session& s) { return shipment_of_order(s, impl_->backend(), order_id, false); }),
                          user_id, admin);
}

Tracking Shipping::track_number(const std::string& tracking_number, const std::string& user_id, bool admin) {
    return impl_->visible(
        impl_->module().read([&](soci::session& s) { return shipment_by_number(s, impl_->backend(), tracking_number, false); }),
        user_id, admin);
}

Updated Shipping::update(const TrackingUpdate& update) { return impl_->apply(update, "admin"); }

Updated Shipping::carrier_callback(const CallbackDelivery& delivery) {
    const auto check = kernel::signature_check(impl_->settings.callback_secrets, impl_->settings.callback_tolerance, impl_->settings.now());
    for (const auto& carrier : impl_->carriers) {
        if (auto update = carrier->parse_callback(delivery, check)) return impl_->apply(*update, "carrier");
    }
    throw Problem::unauthorized("sign in as an admin, or sign the callback with Mercato-Signature");
}

void Shipping::follow_orders_and_payments(kernel::bus::Bus& bus) {
    bus.subscribe({"shipping.orders", "shipping", {orders::topic_created, payments::topic_processed},
                   [this](const kernel::bus::Envelope& e, soci::session& s) {
                       const auto payload = json::parse(e.payload);
                       if (e.topic == orders::topic_created) impl_->order_placed(s, payload);
                       else impl_->order_paid(s, payload);
                   }});
}

}  // namespace mercato::shipping
