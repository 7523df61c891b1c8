#include "modules/catalog/api/catalog.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/bus/bus.hpp"
#include "kernel/clock.hpp"
#include "kernel/database.hpp"
#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "kernel/transaction_hooks.hpp"
#include "modules/catalog/api/events.hpp"
#include "modules/catalog/domain/change_reach.hpp"
#include "modules/catalog/domain/product_json.hpp"
#include "modules/catalog/domain/product_rules.hpp"
#include "modules/catalog/domain/tags.hpp"
#include "modules/catalog/store/inventory_store.hpp"
#include "modules/catalog/store/product_store.hpp"
#include "modules/catalog/store/review_store.hpp"
#include "modules/orders/api/events.hpp"

namespace mercato::catalog {

namespace {

using kernel::FieldError;
using kernel::Problem;

constexpr std::size_t max_reservation_lines = 100;
constexpr std::size_t sweep_batch = 100;

Problem no_product() { return Problem::not_found("no such product"); }

// Product rows are updated in id order by every transaction that touches several, so two of them
// (orders with the same products in another order, a reserve and a release) never deadlock on PostgreSQL.
template <class Line>
std::vector<Line> in_lock_order(std::vector<Line> lines) {
    std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.product_id < b.product_id; });
    return lines;
}

bool same_lines(const std::vector<ReservedLine>& held, const std::vector<ReservationLine>& asked) {
    const auto a = in_lock_order(held);
    const auto b = in_lock_order(asked);
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const ReservedLine& h, const ReservationLine& l) {
               return h.product_id == l.product_id && h.quantity == l.quantity;
           });
}

// A reserve repeated for an order: the first answer, unless the lines differ or the stock went back.
Reservation repeat(const Reservation& existing, const std::vector<ReservationLine>& asked) {
    if (!same_lines(existing.lines, asked)) throw Problem::conflict("the order has a reservation with other lines");
    if (existing.status == "released") throw Problem::conflict("the order's reservation was released; place the order again");
    return existing;
}

}  // namespace

OutOfStock::OutOfStock(std::vector<StockShortfall> shortfalls)
    : kernel::Problem(409, kernel::status_title(409), "not enough stock for every line", [&] {
          std::vector<FieldError> errors;
          for (const auto& s : shortfalls) {
              errors.push_back({s.product_id, fmt::format("{} asked, {} available", s.requested, s.available)});
          }
          return errors;
      }()),
      shortfalls_(std::move(shortfalls)) {}

struct Catalog::Impl {
    Impl(std::shared_ptr<kernel::Database> database, kernel::bus::Bus& events, CatalogSettings options)
        : db(std::move(database)), bus(events), settings(std::move(options)) {}

    kernel::ModuleDb module() const { return db->module("catalog"); }
    std::string now() const { return kernel::format_rfc3339(settings.now()); }

    Product require_product(soci::session& s, const std::string& id, bool lock) const {
        auto product = find_product(s, db->backend(), id, lock);
        if (!product) throw no_product();
        return *product;
    }

    // The category a product names, made on first use. nullopt input: no category.
    std::optional<std::string> ensure_category(soci::session& s, const std::optional<std::string>& text) {
        if (!text) return std::nullopt;
        const auto slug = category_slug(*text);
        if (!slug) kernel::check_fields({{"category", "must name a category: letters and digits, at most 100 characters"}});
        ensure_category_row(s, {*slug, *text}, now());
        return slug;
    }

    void publish_product(soci::session& s, const char* change, const Product& p) {
        const nlohmann::json payload{{"change", change}, {"product", product_json(p)}};
        bus.publish(s, {topic_product_updated, p.id, payload.dump()});
        changed({p.id, true});
    }

    void publish_stock(soci::session& s, const std::string& product_id, std::int64_t stock, std::int64_t delta,
                       const char* reason, const std::string& order_id = {}) {
        nlohmann::json payload{{"product_id", product_id}, {"stock", stock}, {"delta", delta}, {"reason", reason}};
        if (!order_id.empty()) payload["order_id"] = order_id;
        bus.publish(s, {topic_stock_changed, product_id, payload.dump()});
        changed({product_id, crosses_zero(stock, delta)});
    }

    // Tells the listener once the transaction has committed (never for one rolled back), once per
    // product and reach: a product whose stock moved and that was then edited is heard of both ways.
    void changed(CatalogChange change) {
        const auto key = fmt::format("catalog.changed:{}:{}", change.product_id.value_or(""), change.listings);
        kernel::after_commit_once(key, [this, change = std::move(change)] {
            std::function<void(const CatalogChange&)> tell;
            {
                std::lock_guard lock(listener_mutex);
                tell = listener;
            }
            if (tell) tell(change);
        });
    }

    StockAdjustment adjust(soci::session& s, const std::string& product_id, std::int64_t delta, const std::string& reason,
                           const std::string& actor) {
        const std::string at = now();
        const auto after = change_stock(s, product_id, delta, at, true);
        if (!after) {
            require_product(s, product_id, false);
            throw Problem::conflict(fmt::format("the stock of {} cannot go below zero or above {}", product_id, max_stock));
        }
        StockAdjustment a{kernel::new_id("adj"), product_id, delta, after->stock, reason, actor, at};
        insert_adjustment(s, a);
        publish_stock(s, product_id, after->stock, delta, "adjusted");
        return a;
    }

    Product insert_new(soci::session& s, const ProductDraft& d, const std::string& actor) {
        const std::string at = now();
        Product p{kernel::new_id("prd"), d.sku, d.name, d.description, d.price, d.currency, d.stock, std::nullopt, d.tags,
                  d.weight_grams, 0, 0, at, at};
        kernel::check_fields(product_problems(p));
        p.category = ensure_category(s, d.category);
        insert_product(s, p);
        if (p.stock > 0) insert_adjustment(s, {kernel::new_id("adj"), p.id, p.stock, p.stock, "initial stock", actor, at});
        publish_product(s, "created", p);
        publish_stock(s, p.id, p.stock, p.stock, "created");
        return p;
    }

    // Puts a held reservation's units back. False when it was not held (already committed or released).
    bool release_held(soci::session& s, const Reservation& r) {
        const std::string at = now();
        if (!move_reservation(s, r.order_id, "held", "released", at)) return false;
        for (const auto& line : in_lock_order(r.lines)) {
            // Deleted products take their units back too, so the audit of stock stays whole.
            const auto after = change_stock(s, line.product_id, line.quantity, at, false);
            if (after) publish_stock(s, line.product_id, after->stock, line.quantity, "released", r.order_id);
        }
        return true;
    }

    // The order was paid: a held reservation's units are sold. Returns the reservation as it now is.
    Reservation commit_held(soci::session& s, const std::string& order_id) {
        auto r = find_reservation(s, db->backend(), order_id, true);
        if (!r) throw Problem::not_found("the order has no reservation");
        if (r->status == "released") throw Problem::conflict("the reservation was released; its stock is back on sale");
        if (r->status == "held") {
            move_reservation(s, order_id, "held", "committed", now());
            r->status = "committed";
        }
        return *r;
    }

    // Units an approved return brings back. Deleted products take them too, so the stock audit stays whole.
    void restock(soci::session& s, const std::string& order_id, const std::string& return_id, const std::string& product_id,
                 std::int64_t quantity) {
        const std::string at = now();
        const auto after = change_stock(s, product_id, quantity, at, false);
        if (!after) return;  // a product removed outright (never reserved) cannot have been returned
        insert_adjustment(s, {kernel::new_id("adj"), product_id, quantity, after->stock, "returned with " + return_id, "orders", at});
        publish_stock(s, product_id, after->stock, quantity, "returned", order_id);
    }

    // An orders.status-changed event, in a catalog transaction that commits with the group's position.
    void follow_order(const kernel::bus::Envelope& event, soci::session& s) {
        const auto payload = nlohmann::json::parse(event.payload);
        const std::string order_id = payload.at("order_id").get<std::string>();
        const std::string status = payload.at("status").get<std::string>();
        if (status == "processing") {
            const auto r = find_reservation(s, db->backend(), order_id, false);
            if (r && r->status == "released") {
                // Paid after its stock went back on sale: retrying cannot help, a person must look.
                spdlog::error("catalog: order {} was paid after its reservation was released", order_id);
            } else if (r) {
                commit_held(s, order_id);
            }
        } else if (status == "cancelled") {
            if (auto r = find_reservation(s, db->backend(), order_id, true)) release_held(s, *r);
        } else if (status == "returned" && payload.contains("return")) {
            const auto& ret = payload.at("return");
            for (const auto& line : ret.at("items")) {
                restock(s, order_id, ret.at("id").get<std::string>(), line.at("product_id").get<std::string>(),
                        line.at("quantity").get<std::int64_t>());
            }
        }
    }

    std::shared_ptr<kernel::Database> db;
    kernel::bus::Bus& bus;
    CatalogSettings settings;
    std::mutex listener_mutex;
    std::function<void(const CatalogChange&)> listener;
};

Catalog::Catalog(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, CatalogSettings settings)
    : impl_(std::make_unique<Impl>(std::move(db), bus, std::move(settings))) {}

Catalog::~Catalog() = default;

Product Catalog::create_product(const ProductDraft& draft, const std::string& actor) {
    return impl_->module().write([&](soci::session& s) { return impl_->insert_new(s, draft, actor); });
}

std::size_t Catalog::create_products(const std::vector<ProductDraft>& drafts, const std::string& actor) {
    return impl_->module().write([&](soci::session& s) {
        for (const auto& d : drafts) impl_->insert_new(s, d, actor);
        return drafts.size();
    });
}

Product Catalog::update_product(const std::string& id, const ProductChange& change, const std::string& actor) {
    auto& impl = *impl_;
    return impl.module().write([&](soci::session& s) {
        Product p = impl.require_product(s, id, true);
        const std::int64_t stock_before = p.stock;
        if (change.sku) p.sku = *change.sku;
        if (change.name) p.name = *change.name;
        if (change.description) p.description = *change.description;
        if (change.price) p.price = *change.price;
        if (change.currency) p.currency = *change.currency;
        if (change.stock) p.stock = *change.stock;
        if (change.tags) p.tags = *change.tags;
        if (change.weight_grams) p.weight_grams = *change.weight_grams;
        kernel::check_fields(product_problems(p));
        if (change.category) p.category = impl.ensure_category(s, *change.category);
        p.updated_at = impl.now();
        // The row update leaves stock alone: stock moves only by conditional updates, audited.
        p.stock = stock_before;
        update_product_row(s, p);
        if (change.stock && *change.stock != stock_before) {
            p.stock = impl.adjust(s, id, *change.stock - stock_before, "set by product update", actor).stock_after;
        }
        impl.publish_product(s, "changed", p);
        return p;
    });
}

void Catalog::delete_product(const std::string& id) {
    auto& impl = *impl_;
    impl.module().write([&](soci::session& s) {
        const Product p = impl.require_product(s, id, true);
        if (ever_reserved(s, id)) {
            soft_delete_product(s, id, impl.now());
        } else {
            hard_delete_product(s, id);
        }
        impl.publish_product(s, "deleted", p);
    });
}

Product Catalog::product(const std::string& id) {
    return impl_->module().read([&](soci::session& s) { return impl_->require_product(s, id, false); });
}

Page<Product> Catalog::products(const ProductQuery& query) {
    return impl_->module().read([&](soci::session& s) { return select_products(s, query); });
}

std::vector<Product> Catalog::products_by_id(const std::vector<std::string>& ids) {
    return impl_->module().read([&](soci::session& s) { return select_products_by_id(s, ids); });
}

std::vector<Category> Catalog::categories() {
    return impl_->module().read([](soci::session& s) { return select_categories(s); });
}

Category Catalog::create_category(const std::string& name, const std::optional<std::string>& slug) {
    std::vector<FieldError> errors;
    if (name.find_first_not_of(" \t") == std::string::npos) errors.push_back({"name", "is required"});
    else if (name.size() > max_category_name_length) errors.push_back({"name", "must be at most 100 characters"});
    const auto chosen = slug ? (is_slug(*slug, max_slug_length) ? slug : std::nullopt) : category_slug(name);
    if (slug && !chosen) errors.push_back({"slug", "must be lower-case letters, digits and single hyphens, at most 60"});
    else if (!slug && !chosen && errors.empty()) errors.push_back({"name", "must contain letters or digits"});
    kernel::check_fields(std::move(errors));
    auto& impl = *impl_;
    impl.module().write([&](soci::session& s) {
        insert_category(s, {*chosen, name}, impl.now());
        // Other server copies keep the categories list too, and only the log tells them of this one.
        impl.bus.publish(s, {topic_category_created, *chosen, nlohmann::json{{"slug", *chosen}, {"name", name}}.dump()});
        impl.changed({std::nullopt, true});
    });
    return {*chosen, name, 0};
}

Review Catalog::add_review(const std::string& product_id, const std::string& user_id, int rating, const std::string& comment) {
    kernel::check_fields(review_problems(rating, comment));
    auto& impl = *impl_;
    return impl.module().write([&](soci::session& s) {
        impl.require_product(s, product_id, false);
        Review r{kernel::new_id("rev"), product_id, user_id, rating, comment, impl.now()};
        insert_review(s, r);
        add_rating(s, product_id, rating, r.created_at);
        impl.publish_product(s, "changed", impl.require_product(s, product_id, false));
        return r;
    });
}

Page<Review> Catalog::reviews(const std::string& product_id, std::size_t limit, const std::string& cursor) {
    return impl_->module().read([&](soci::session& s) {
        impl_->require_product(s, product_id, false);
        return select_reviews(s, product_id, limit, cursor);
    });
}

StockAdjustment Catalog::adjust_stock(const std::string& product_id, std::int64_t delta, const std::string& reason,
                                      const std::string& actor) {
    kernel::check_fields(adjustment_problems(delta, reason));
    return impl_->module().write([&](soci::session& s) { return impl_->adjust(s, product_id, delta, reason, actor); });
}

Page<StockAdjustment> Catalog::stock_adjustments(const std::string& product_id, std::size_t limit, const std::string& cursor) {
    return impl_->module().read([&](soci::session& s) {
        impl_->require_product(s, product_id, false);
        return select_adjustments(s, product_id, limit, cursor);
    });
}

Reservation Catalog::reserve(const std::string& order_id, const std::vector<ReservationLine>& lines,
                             std::optional<std::chrono::seconds> hold_for) {
    std::vector<FieldError> errors;
    if (order_id.empty()) errors.push_back({"order_id", "is required"});
    if (lines.empty()) errors.push_back({"lines", "must hold at least one line"});
    if (lines.size() > max_reservation_lines) errors.push_back({"lines", "must hold at most 100 lines"});
    std::set<std::string> seen;
    for (const auto& l : lines) {
        if (l.quantity <= 0 || l.quantity > max_stock) {
            errors.push_back({"lines", fmt::format("the quantity of {} must be from 1 to {}", l.product_id, max_stock)});
        }
        if (!seen.insert(l.product_id).second) errors.push_back({"lines", fmt::format("{} appears twice", l.product_id)});
    }
    kernel::check_fields(std::move(errors));
    auto& impl = *impl_;
    const auto ttl = hold_for.value_or(impl.settings.reservation_ttl);
    return impl.module().write([&](soci::session& s) -> Reservation {
        const std::string at = impl.now();
        Reservation r{order_id, "held", kernel::format_rfc3339(impl.settings.now() + ttl), {}};
        // The row first: a repeat of the order (here or on another server copy) stops here, before it takes stock.
        if (!insert_reservation(s, r, at)) {
            const auto existing = find_reservation(s, impl.db->backend(), order_id, false);
            if (!existing) throw Problem::conflict("the order's reservation is changing; retry");
            return repeat(*existing, lines);
        }
        std::map<std::string, std::pair<ReservedLine, std::int64_t>> taken;  // the line and the stock it left
        std::vector<StockShortfall> short_lines;
        for (const auto& l : in_lock_order(lines)) {
            // One conditional update per line: it takes the units only when they are there, so two
            // orders racing for the last unit cannot both get it. A shortfall rolls back the lines taken.
            const auto after = change_stock(s, l.product_id, -l.quantity, at, true);
            if (!after) {
                const auto product = find_product(s, impl.db->backend(), l.product_id, false);
                short_lines.push_back({l.product_id, l.quantity, product ? product->stock : 0});
                continue;
            }
            taken[l.product_id] = {{l.product_id, after->sku, after->name, after->price, after->currency, l.quantity}, after->stock};
        }
        if (!short_lines.empty()) throw OutOfStock(std::move(short_lines));
        for (const auto& l : lines) r.lines.push_back(taken[l.product_id].first);  // the caller's order
        insert_reservation_lines(s, r);
        for (const auto& [id, line] : taken) {
            impl.publish_stock(s, id, line.second, -line.first.quantity, "reserved", order_id);
        }
        return r;
    });
}

Reservation Catalog::commit(const std::string& order_id) {
    return impl_->module().write([&](soci::session& s) { return impl_->commit_held(s, order_id); });
}

Reservation Catalog::release(const std::string& order_id) {
    auto& impl = *impl_;
    return impl.module().write([&](soci::session& s) {
        auto r = find_reservation(s, impl.db->backend(), order_id, true);
        if (!r) throw Problem::not_found("the order has no reservation");
        if (impl.release_held(s, *r)) r->status = "released";
        return *r;
    });
}

std::optional<Reservation> Catalog::reservation(const std::string& order_id) {
    return impl_->module().read([&](soci::session& s) { return find_reservation(s, impl_->db->backend(), order_id, false); });
}

std::size_t Catalog::release_expired() {
    auto& impl = *impl_;
    std::size_t released = 0;
    for (;;) {
        const auto due = impl.module().read([&](soci::session& s) { return expired_reservations(s, impl.now(), sweep_batch); });
        for (const auto& order_id : due) {
            // Each in its own transaction, locked: a commit racing the sweeper either wins or finds it released.
            released += impl.module().write([&](soci::session& s) {
                const auto r = find_reservation(s, impl.db->backend(), order_id, true);
                return r && impl.release_held(s, *r) ? 1 : 0;
            });
        }
        if (due.size() < sweep_batch) return released;
    }
}

void Catalog::follow_orders(kernel::bus::Bus& bus) {
    // The catalog reads the event's order_id, status and return lines, nothing more of the orders module.
    bus.subscribe({"catalog.order-stock", "catalog", {orders::topic_status_changed},
                   [this](const kernel::bus::Envelope& event, soci::session& s) { impl_->follow_order(event, s); }});
}

void Catalog::on_change(std::function<void(const CatalogChange&)> listener) {
    std::lock_guard lock(impl_->listener_mutex);
    impl_->listener = std::move(listener);
}

}  // namespace mercato::catalog
