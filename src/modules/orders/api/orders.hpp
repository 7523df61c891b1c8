// The orders module's facade: placing orders against the catalog's stock, their lifecycle, history, cancellation and returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/idempotency.hpp"
#include "kernel/page.hpp"

namespace mercato::kernel {
class Database;
namespace bus {
class Bus;
}
}  // namespace mercato::kernel

namespace mercato::catalog {
class Catalog;
}

namespace mercato::shipping {
class Shipping;
}

namespace mercato::orders {

inline constexpr const char* status_pending = "pending";
inline constexpr const char* status_processing = "processing";
inline constexpr const char* status_shipped = "shipped";
inline constexpr const char* status_delivered = "delivered";
inline constexpr const char* status_cancelled = "cancelled";
inline constexpr const char* status_returned = "returned";

struct Address {
    std::string name;
    std::string line1;
    std::string line2;  // may be empty
    std::string city;
    std::string postal_code;
    std::string country;  // ISO 3166-1 alpha-2
};

struct OrderLine {
    std::string product_id;
    std::string sku;
    std::string name;
    std::int64_t quantity = 0;
    std::int64_t unit_price = 0;
};

struct StatusChange {
    std::string status;
    std::string at;
};

struct Order {
    std::string id;
    std::string user_id;
    std::string status;
    std::vector<OrderLine> items;
    std::int64_t subtotal = 0;
    std::int64_t shipping_cost = 0;
    std::int64_t total = 0;
    std::string currency;
    Address shipping_address;
    std::optional<std::string> shipping_option;
    std::string pay_by;  // a pending order not paid by then is cancelled
    std::string created_at;
    std::string updated_at;
    std::vector<StatusChange> history;
};

struct LineRequest {
    std::string product_id;
    std::int64_t quantity = 0;
};

struct NewOrder {
    std::vector<LineRequest> items;
    Address shipping_address;
    std::optional<std::string> shipping_option;
};

using kernel::IdempotencyKey;

// An order placement's answer: the order and the response body stored with its Idempotency-Key,
// which a replay returns byte for byte.
struct Placed {
    Order order;
    std::string body;
    bool replayed = false;
};

// Who is asking: owners see their own orders (others' are 404), admins every order.
struct Viewer {
    std::string user_id;
    bool admin = false;
};

struct OrderQuery {
    std::optional<std::string> user_id;  // admins only; customers always see their own
    std::optional<std::string> status;
    std::size_t limit = 20;
    std::string cursor;
};


struct ReturnRequest {
    std::string id;
    std::string order_id;
    std::string user_id;
    std::string status;  // "requested", "approved" or "rejected"
    std::vector<LineRequest> items;
    std::string reason;
    std::string created_at;
    std::string updated_at;
};

struct OrdersSettings {
    std::chrono::seconds payment_window{30 * 60};  // a pending order unpaid this long is cancelled
    std::chrono::seconds sweep_interval{30};        // how often unpaid orders are looked for
    std::chrono::hours idempotency_ttl{24};
    // Tests move it to see orders expire.
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
    // Tests make it throw to prove a failure after the stock was reserved leaves no reservation behind.
    std::function<void()> before_store;
};

// Calls block on the database: run them on worker threads. Failures are kernel::Problem: 422 with
// field errors for invalid input, 404 for an order the viewer may not see, 409 for a transition the
// lifecycle forbids, catalog::OutOfStock (409, every short line named) when stock is missing.
class Orders {
public:
    // db must serve the "orders" module (migrations applied); catalog reserves and releases stock;
    // shipping, when this process serves it, prices an order's shipping_option.
    Orders(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog, OrdersSettings settings = {},
           shipping::Shipping* shipping = nullptr);
    ~Orders();
    Orders(const Orders&) = delete;
    Orders& operator=(const Orders&) = delete;

    // Prices the lines from the catalog, reserves their stock (all or nothing) and stores the order
    // pending. With a key: a repeat with the same body returns the first answer (replayed), one
    // while the first is in flight is 409, the same key with another body 422.
    Placed place(const std::string& user_id, const NewOrder& order, const std::optional<IdempotencyKey>& key = std::nullopt);
    Order order(const std::string& order_id, const Viewer& viewer);
    kernel::Page<Order> orders(const Viewer& viewer, const OrderQuery& query);
    // An admin moves the order along its lifecycle (409 for a move it forbids).
    Order set_status(const std::string& order_id, const std::string& status, const std::string& actor);
    // Owners while it is pending, admins whenever the lifecycle allows; the stock goes back on sale.
    Order cancel(const std::string& order_id, const Viewer& viewer);
    ReturnRequest request_return(const std::string& order_id, const Viewer& viewer, const std::vector<LineRequest>& items,
                                 const std::string& reason);
    // Approval marks the order returned and publishes the return, which the payments module refunds
    // and the catalog restocks.
    ReturnRequest decide_return(const std::string& order_id, const std::string& return_id, bool approve,
                                const std::string& actor);

    // The payment of an order succeeded: pending → processing (a repeat, or an order already past it, changes nothing).
    void payment_succeeded(const std::string& order_id);
    // A carrier's news: "in_transit" → shipped, "delivered" → delivered (repeats change nothing).
    void shipment_update(const std::string& order_id, const std::string& shipping_status);

    // Subscribes to payments.processed ({order_id, status: "succeeded"|...}) and shipping.updated
    // ({order_id, status}) when this process serves those modules; call before the bus starts.
    void follow_payments_and_shipping(kernel::bus::Bus& bus);

    // Cancels pending orders whose payment window has closed; returns how many. The module's sweeper calls it.
    std::size_t expire_unpaid();
    // Deletes Idempotency-Keys older than their 24 hours; returns how many.
    std::size_t forget_old_keys();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::orders
