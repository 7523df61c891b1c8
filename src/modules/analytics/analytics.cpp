#include "modules/analytics/api/analytics.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/bus/bus.hpp"
#include "kernel/clock.hpp"
#include "kernel/database.hpp"
#include "kernel/feature_flags.hpp"
#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "modules/analytics/domain/report_range.hpp"
#include "modules/analytics/ingest/event_batcher.hpp"
#include "modules/analytics/store/event_store.hpp"
#include "modules/analytics/store/rollup_store.hpp"
#include "modules/analytics/store/rollup_totals.hpp"
#include "modules/orders/api/events.hpp"
#include "modules/payments/api/events.hpp"
#include "modules/shipping/api/events.hpp"
#include "modules/users/api/events.hpp"

namespace mercato::analytics {

namespace {

using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

constexpr std::size_t max_batch = 1000;
constexpr std::size_t max_properties_bytes = 4096;
constexpr std::size_t max_id_length = 64;
constexpr std::size_t max_type_length = 40;
constexpr std::size_t prune_batch = 5000;
constexpr std::size_t max_top_products = 100;
constexpr std::size_t max_flag_length = 64;

// The funnel, in the order a visitor moves down it; client events feed the first three.
constexpr const char* funnel_steps[] = {"product_views", "add_to_cart", "checkout_started", "orders_placed", "orders_paid"};

std::optional<std::string> funnel_step(const std::string& client_type) {
    if (client_type == "product_view") return "product_views";
    if (client_type == "add_to_cart") return "add_to_cart";
    if (client_type == "checkout_started") return "checkout_started";
    return std::nullopt;
}

std::optional<std::string> text_at(const json& j, const char* name) {
    const auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// The steps in funnel order with each one's share of the step before.
json funnel_steps_json(const std::map<std::string, std::int64_t>& counts) {
    json steps = json::array();
    std::optional<std::int64_t> previous;
    for (const char* name : funnel_steps) {
        const auto it = counts.find(name);
        const std::int64_t count = it == counts.end() ? 0 : it->second;
        // The share of the step before that reached this one, to four places; none for the first step or after an empty one.
        json conversion = nullptr;
        if (previous && *previous > 0) conversion = std::round(static_cast<double>(count) / static_cast<double>(*previous) * 1e4) / 1e4;
        steps.push_back({{"name", name}, {"count", count}, {"conversion", conversion}});
        previous = count;
    }
    return steps;
}

// The customer an event concerns, wherever its payload keeps the id.
std::optional<std::string> user_of(const json& payload) {
    if (auto id = text_at(payload, "user_id")) return id;
    if (const auto order = payload.find("order"); order != payload.end() && order->is_object()) return text_at(*order, "user_id");
    return std::nullopt;
}

}  // namespace

struct Analytics::Impl {
    Impl(std::shared_ptr<kernel::Database> database, const kernel::FeatureFlags& flags, AnalyticsSettings options)
        : db(std::move(database)), features(flags), settings(std::move(options)),
          batcher([this](const auto& events) { write_batch(events); }, max_batch) {}

    kernel::ModuleDb module() const { return db->module("analytics"); }

    void write_batch(const std::vector<StoredEvent>& events) {
        module().write([&](soci::session& s) {
            insert_events(s, events);
            auto& totals = RollupTotals::of_transaction();
            for (const auto& e : events) {
                if (const auto step = funnel_step(e.type)) totals.add_step(e.day, *step, e.features);
            }
        });
    }

    // Every configured flag's answer for a customer, as their requests were given it (while the
    // configuration stays as it was).
    FeatureAnswers answers_for(const std::string& user_id) const {
        FeatureAnswers answers;
        for (const auto flag : features.flags()) answers.emplace_back(flag, features.enabled(flag, user_id) ? "on" : "off");
        return answers;
    }

    void on_business(soci::session& s, const kernel::bus::Envelope& e) {
        const json payload = json::parse(e.payload);
        const auto user = user_of(payload);
        const StoredEvent stored{e.id, e.topic, "bus", user, std::nullopt, std::nullopt, e.payload, day_of(e.occurred_at), e.occurred_at,
                                 user ? answers_for(*user) : FeatureAnswers{}};
        if (!insert_event_once(s, stored)) return;  // counted when it first came
        const std::string& day = stored.day;
        if (e.topic == orders::topic_created) {
            const json& order = payload.at("order");
            OrderCopy copy{order.at("id").get<std::string>(), order.at("user_id").get<std::string>(),
                           order.at("currency").get<std::string>(), order.at("total").get<std::int64_t>(), {}};
            for (const auto& line : order.at("items")) {
                copy.items.push_back({line.at("product_id").get<std::string>(), line.at("name").get<std::string>(),
                                      line.at("quantity").get<std::int64_t>(), line.at("unit_price").get<std::int64_t>()});
            }
            save_order(s, copy);
            RollupTotals::of_transaction().add_step(day, "orders_placed", stored.features);
        } else if (e.topic == payments::topic_processed && payload.value("status", "") == "succeeded") {
            paid(s, day, payload.at("order_id").get<std::string>(), payload.at("amount").get<std::int64_t>(),
                 payload.at("currency").get<std::string>());
        } else if (e.topic == payments::topic_refunded) {
            RollupTotals::of_transaction().add_sales(day, payload.at("currency").get<std::string>(), 0, 0,
                                                     payload.at("amount").get<std::int64_t>());
        }
    }

    // A paid order's sale: revenue (the amount paid, shipping included), its products, the funnel's
    // last step, and whether its customer is new or returning.
    void paid(soci::session& s, const std::string& day, const std::string& order_id, std::int64_t amount, const std::string& currency) {
        const auto order = find_order(s, order_id);
        // The orders log and the payments log are read apart: the order's news may still be on its way.
        if (!order) throw std::runtime_error("order " + order_id + " was paid before analytics heard of it; trying again");
        if (!mark_paid(s, order_id, day)) return;
        auto& totals = RollupTotals::of_transaction();
        totals.add_sales(day, currency, 1, amount, 0);
        for (const auto& l : order->items) totals.add_product_sales(day, l.product_id, currency, l.name, l.quantity, l.quantity * l.unit_price);
        totals.add_step(day, "orders_paid", answers_for(order->user_id));
        if (first_purchase(s, order->user_id, day)) totals.add_customers(day, 1, 0);
        else totals.add_customers(day, 0, 1);
    }

    json sales(const DateRange& range, const std::optional<std::string>& asked) {
        return module().read([&](soci::session& s) {
            const auto currency = asked ? asked : busiest_currency(s, range.from, range.to);
            std::map<std::string, SalesDay> by_day;
            if (currency) {
                for (auto& d : sales_days(s, *currency, range.from, range.to)) by_day[d.day] = d;
            }
            json days = json::array();
            std::int64_t orders = 0, revenue = 0, refunds = 0;
            for (const auto& day : days_of(range)) {
                const SalesDay d = by_day.count(day) ? by_day[day] : SalesDay{day};
                orders += d.orders;
                revenue += d.revenue;
                refunds += d.refunds;
                days.push_back({{"date", day}, {"orders", d.orders}, {"revenue", d.revenue - d.refunds}, {"refunds", d.refunds}});
            }
            return json{{"orders", orders},
                        {"revenue", revenue - refunds},
                        {"gross_revenue", revenue},
                        {"refunds", refunds},
                        {"average_order_value", orders > 0 ? revenue / orders : 0},
                        {"currency", currency ? json(*currency) : json(nullptr)},
                        {"by_day", std::move(days)}};
        });
    }

    json products(const DateRange& range, const std::optional<std::string>& asked, std::size_t limit) {
        return module().read([&](soci::session& s) {
            const auto currency = asked ? asked : busiest_currency(s, range.from, range.to);
            json items = json::array();
            if (currency) {
                for (const auto& p : top_products(s, *currency, range.from, range.to, limit)) {
                    items.push_back({{"product_id", p.product_id}, {"name", p.name}, {"units", p.units}, {"revenue", p.revenue},
                                     {"currency", *currency}});
                }
            }
            return json{{"items", std::move(items)}};
        });
    }

    json funnel(const DateRange& range, const std::optional<std::string>& feature) {
        std::map<std::string, std::map<std::string, std::int64_t>> by_answer;
        const auto counts = module().read([&](soci::session& s) {
            if (feature) by_answer = funnel_variant_counts(s, *feature, range.from, range.to);
            return funnel_counts(s, range.from, range.to);
        });
        json out{{"steps", funnel_steps_json(counts)}};
        if (!feature) return out;
        json variants = json::array();
        for (const auto& [answer, steps] : by_answer) variants.push_back({{"variant", answer}, {"steps", funnel_steps_json(steps)}});
        out["feature"] = *feature;
        out["by_variant"] = std::move(variants);
        return out;
    }

    json customers(const DateRange& range) {
        const auto days = module().read([&](soci::session& s) { return customer_days(s, range.from, range.to); });
        std::map<std::string, CustomerDay> by_day;
        for (const auto& d : days) by_day[d.day] = d;
        json out_days = json::array();
        std::int64_t fresh = 0, returning = 0;
        for (const auto& day : days_of(range)) {
            const CustomerDay d = by_day.count(day) ? by_day[day] : CustomerDay{day};
            fresh += d.new_customers;
            returning += d.returning_customers;
            out_days.push_back({{"date", day}, {"new_customers", d.new_customers}, {"returning_customers", d.returning_customers}});
        }
        return json{{"new_customers", fresh}, {"returning_customers", returning}, {"by_day", std::move(out_days)}};
    }

    std::shared_ptr<kernel::Database> db;
    const kernel::FeatureFlags& features;
    AnalyticsSettings settings;
    EventBatcher batcher;
};

Analytics::Analytics(std::shared_ptr<kernel::Database> db, const kernel::FeatureFlags& features, AnalyticsSettings settings)
    : impl_(std::make_unique<Impl>(std::move(db), features, std::move(settings))) {}

Analytics::~Analytics() = default;

void Analytics::record(const ClientEvent& event) {
    std::vector<FieldError> errors;
    const bool type_valid = !event.type.empty() && event.type.size() <= max_type_length &&
                            std::ranges::all_of(event.type, [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    if (!type_valid) errors.push_back({"type", "must be 1 to 40 of a-z and _"});
    if (event.session_id && (event.session_id->empty() || event.session_id->size() > max_id_length)) {
        errors.push_back({"session_id", "must be 1 to 64 characters"});
    }
    if (event.product_id && (event.product_id->empty() || event.product_id->size() > max_id_length)) {
        errors.push_back({"product_id", "must be 1 to 64 characters"});
    }
    if (event.properties.size() > max_properties_bytes) errors.push_back({"properties", "must be at most 4 KiB of JSON"});
    kernel::check_fields(std::move(errors));
    const auto at = kernel::format_rfc3339(impl_->settings.now());
    impl_->batcher.submit({kernel::new_id("aev"), event.type, "client", event.user_id, event.session_id, event.product_id,
                           event.properties, day_of(at), at, event.features});
}

json Analytics::report(const ReportQuery& query) {
    if (query.type != "sales" && query.type != "top_products" && query.type != "funnel" && query.type != "customers") {
        kernel::check_fields({{"type", "must be sales, top_products, funnel or customers"}});
    }
    if (query.limit < 1 || query.limit > max_top_products) kernel::check_fields({{"limit", "must be 1 to 100"}});
    if (query.feature && query.type != "funnel") kernel::check_fields({{"feature", "only the funnel report splits by a feature flag"}});
    if (query.feature && (query.feature->empty() || query.feature->size() > max_flag_length)) {
        kernel::check_fields({{"feature", "must be 1 to 64 characters"}});
    }
    const DateRange range = parse_range(query.from, query.to);
    if (query.type == "sales") return impl_->sales(range, query.currency);
    if (query.type == "top_products") return impl_->products(range, query.currency, query.limit);
    if (query.type == "funnel") return impl_->funnel(range, query.feature);
    return impl_->customers(range);
}

void Analytics::follow_business_events(kernel::bus::Bus& bus) {
    static const char* const business_topics[] = {
        users::topic_registered,   orders::topic_created,    orders::topic_status_changed,
        payments::topic_processed, payments::topic_refunded, shipping::topic_updated,
    };
    std::vector<std::string> topics;
    for (const char* topic : business_topics) {
        if (impl_->db->serves(kernel::bus::topic_module(topic))) topics.emplace_back(topic);
    }
    bus.subscribe({"analytics.business", "analytics", topics,
                   [this](const kernel::bus::Envelope& e, soci::session& s) { impl_->on_business(s, e); }});
}

std::size_t Analytics::prune() {
    const auto cutoff = impl_->settings.now() - impl_->settings.retention;
    const std::string day = day_of(kernel::format_rfc3339(cutoff));
    std::size_t total = 0;
    for (;;) {
        const auto removed = impl_->module().write([&](soci::session& s) { return prune_events(s, day, prune_batch); });
        total += removed;
        if (removed < prune_batch) return total;
    }
}

}  // namespace mercato::analytics
