// The catalog module's facade: products, categories, tags, reviews, and the stock reservations orders make.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/page.hpp"
#include "kernel/problem.hpp"

namespace mercato::kernel {
class Database;
namespace bus {
class Bus;
}
}  // namespace mercato::kernel

namespace mercato::catalog {

struct Product {
    std::string id;
    std::string sku;
    std::string name;
    std::string description;
    std::int64_t price = 0;  // minor units
    std::string currency;
    std::int64_t stock = 0;
    std::optional<std::string> category;  // its slug
    std::vector<std::string> tags;
    // Grams, for shipping rates; none: the shipping module uses its configured default weight.
    std::optional<std::int64_t> weight_grams = std::nullopt;
    double rating_avg = 0;
    std::int64_t rating_count = 0;
    std::string created_at;
    std::string updated_at;
};

struct ProductDraft {
    std::string sku;
    std::string name;
    std::string description;
    std::int64_t price = 0;
    std::string currency;
    std::int64_t stock = 0;
    std::optional<std::string> category;  // a slug or a name: a category new to the shop is made
    std::vector<std::string> tags;
    // Grams, for shipping rates; none: the shipping module uses its configured default weight.
    std::optional<std::int64_t> weight_grams = std::nullopt;
};

// Fields left empty keep their value.
struct ProductChange {
    std::optional<std::string> sku;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::int64_t> price;
    std::optional<std::string> currency;
    std::optional<std::int64_t> stock;  // sets the stock; audited as an adjustment
    std::optional<std::optional<std::string>> category;  // an empty inner value takes the product out of its category
    std::optional<std::vector<std::string>> tags;
    // Grams, for shipping rates; an empty inner value clears it (the shipping module's default weight applies).
    std::optional<std::optional<std::int64_t>> weight_grams = std::nullopt;
};

enum class ProductSort { newest, price, price_desc, name };

// The filters a product listing and a product search share.
struct ProductFilter {
    std::optional<std::string> category;  // slug
    std::optional<std::string> tag;
    std::optional<std::int64_t> min_price;
    std::optional<std::int64_t> max_price;
    bool in_stock = false;
};

// Reads the filters from a client's query parameters as GET /v1/products takes them, a category or tag
// normalised to the slug it is stored under, so every route that filters products reads them alike.
// param gives a parameter's value (nullopt: absent); each bad one adds an error to errors.
ProductFilter read_product_filter(const std::function<std::optional<std::string_view>(const char* name)>& param,
                                  std::vector<kernel::FieldError>& errors);

struct ProductQuery : ProductFilter {
    ProductSort sort = ProductSort::newest;
    std::size_t limit = 20;
    std::string cursor;  // from the previous page; "" for the first
};

using kernel::Page;

struct Category {
    std::string slug;
    std::string name;
    std::int64_t product_count = 0;  // products on sale (not deleted)
};

struct Review {
    std::string id;
    std::string product_id;
    std::string user_id;
    int rating = 0;
    std::string comment;
    std::string created_at;
};

struct StockAdjustment {
    std::string id;
    std::string product_id;
    std::int64_t delta = 0;
    std::int64_t stock_after = 0;
    std::string reason;
    std::string actor;  // the user id of whoever made it
    std::string created_at;
};

struct ReservationLine {
    std::string product_id;
    std::int64_t quantity = 0;
};

// A reserved line with the copy of the product an order keeps (it outlives a deleted product).
struct ReservedLine {
    std::string product_id;
    std::string sku;
    std::string name;
    std::int64_t price = 0;
    std::string currency;
    std::int64_t quantity = 0;
};

// A line an order asked for that the stock cannot cover (available 0: not for sale).
struct StockShortfall {
    std::string product_id;
    std::int64_t requested = 0;
    std::int64_t available = 0;
};

// Problem 409 naming every short line, so a client can fix its whole cart at once.
class OutOfStock : public kernel::Problem {
public:
    explicit OutOfStock(std::vector<StockShortfall> shortfalls);
    const std::vector<StockShortfall>& shortfalls() const noexcept { return shortfalls_; }

private:
    std::vector<StockShortfall> shortfalls_;
};

struct Reservation {
    std::string order_id;
    std::string status;  // "held", "committed" or "released"
    std::string expires_at;
    std::vector<ReservedLine> lines;
};

// What one committed write of this process changed, as far as copies of the catalog's reads care.
struct CatalogChange {
    std::optional<std::string> product_id;  // the product whose own reads changed; none for a category made
    // Whether listings may now hold other products or hold them in another order, and the categories
    // count otherwise: a product created, deleted or edited, its stock crossing zero, a category made.
    // A stock change that stays on one side of zero alters only the product's own reads.
    bool listings = false;
};

struct CatalogSettings {
    std::chrono::seconds reservation_ttl{15 * 60};  // a held reservation not committed by then is released
    std::chrono::seconds sweep_interval{30};         // how often expired reservations are looked for
    // Tests move it to see reservations expire.
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// Calls block on the database: run them on worker threads. Failures are kernel::Problem: 422 with
// field errors for invalid input (nothing is written), 404 for an unknown or deleted product, 409 for
// a taken sku, a second review, or stock that is not there.
class Catalog {
public:
    // db must serve the "catalog" module, whose migrations must be applied before the first call.
    Catalog(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, CatalogSettings settings = {});
    ~Catalog();
    Catalog(const Catalog&) = delete;
    Catalog& operator=(const Catalog&) = delete;

    // actor: the admin's user id, recorded on the stock audit.
    Product create_product(const ProductDraft& draft, const std::string& actor);
    // Many products in one transaction (the demo seed); all or none.
    std::size_t create_products(const std::vector<ProductDraft>& drafts, const std::string& actor);
    Product update_product(const std::string& id, const ProductChange& change, const std::string& actor);
    // A product that reservations ever held stays as a soft-deleted row (orders keep their copy of it);
    // one never reserved is removed. Either way it is gone from reads at once.
    void delete_product(const std::string& id);
    Product product(const std::string& id);
    Page<Product> products(const ProductQuery& query);
    // The products on sale among ids, in one read, in no particular order: unknown and deleted ones are left out.
    std::vector<Product> products_by_id(const std::vector<std::string>& ids);
    std::vector<Category> categories();
    // Makes a category (slug from the name when none is given); 409 when the slug exists.
    Category create_category(const std::string& name, const std::optional<std::string>& slug);

    Review add_review(const std::string& product_id, const std::string& user_id, int rating, const std::string& comment);
    Page<Review> reviews(const std::string& product_id, std::size_t limit, const std::string& cursor);

    // Adds delta (negative takes away) to the stock; 409 when it would go below zero.
    StockAdjustment adjust_stock(const std::string& product_id, std::int64_t delta, const std::string& reason,
                                 const std::string& actor);
    Page<StockAdjustment> stock_adjustments(const std::string& product_id, std::size_t limit, const std::string& cursor);

    // Takes the quantities off the stock for an order, every line or none (OutOfStock naming every
    // short line). Called again with the same order id, it returns the reservation already made
    // (409 when the lines differ). It is held for hold_for (default: the configured reservation
    // time), then released by the sweeper unless committed.
    Reservation reserve(const std::string& order_id, const std::vector<ReservationLine>& lines,
                        std::optional<std::chrono::seconds> hold_for = std::nullopt);
    // The order was paid: the reserved units are sold. 409 for a released reservation; idempotent.
    Reservation commit(const std::string& order_id);
    // Puts held units back on the stock; idempotent, and a no-op once committed or released.
    Reservation release(const std::string& order_id);
    std::optional<Reservation> reservation(const std::string& order_id);
    // Releases held reservations whose time ran out; returns how many. The module's sweeper calls it.
    std::size_t release_expired();

    // Keeps reservations in step with orders, from the orders log (call before the bus starts, in a
    // process that serves the orders module): a paid order's reservation is committed, a cancelled
    // one's released, and the lines of an approved return go back on the stock.
    void follow_orders(kernel::bus::Bus& bus);

    // Called after each committed write of this process with what it changed, once per product and
    // kind of change in a transaction (caches of this process drop what it reaches at once; other
    // server copies learn it from the log).
    void on_change(std::function<void(const CatalogChange& change)> listener);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::catalog
