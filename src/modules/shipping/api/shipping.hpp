// The shipping module's facade: pricing parcels by the carriers' rates, a shipment with a tracking
// number for every paid order, and its tracking history from admins and signed carrier callbacks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

class Carrier;

// A shipment's states, in the order a parcel passes them; "exception" may come from any but delivered.
inline constexpr const char* status_label_created = "label_created";
inline constexpr const char* status_in_transit = "in_transit";
inline constexpr const char* status_out_for_delivery = "out_for_delivery";
inline constexpr const char* status_delivered = "delivered";
inline constexpr const char* status_exception = "exception";

struct Item {
    std::string product_id;
    std::int64_t quantity = 0;
};

struct Destination {
    std::string country;  // ISO 3166-1 alpha-2, upper-case
    std::string postal_code;
};

struct Option {
    std::string id;  // what an order's shipping_option names
    std::string carrier;
    std::string service;
    std::int64_t amount = 0;
    std::string currency;
    int min_days = 0;
    int max_days = 0;
};

struct TrackingEvent {
    std::string status;
    std::string at;
    std::string location;  // "" when not given
};

struct Tracking {
    std::string shipment_id;
    std::string order_id;
    std::string user_id;
    std::string tracking_number;
    std::string carrier;
    std::string service_id;
    std::string status;
    std::vector<TrackingEvent> events;  // oldest first
};

struct TrackingUpdate {
    std::string tracking_number;
    std::string status;  // in_transit, out_for_delivery, delivered or exception
    std::string location;
};

struct Updated {
    Tracking tracking;
    bool applied = false;  // false: a repeat, or news older than what is known; nothing changed
};

// A carrier's callback as it arrived: the raw body (signatures cover its bytes) and its headers.
struct CallbackDelivery {
    std::string_view body;
    std::function<std::string_view(std::string_view name)> header;  // "" when absent
};

struct ShippingSettings {
    std::string rates_file;  // "" for the rate table built into the binary (config/shipping_rates.toml)
    std::vector<std::string> callback_secrets;  // none: every carrier callback is refused
    std::chrono::seconds callback_tolerance{300};
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// Calls block on the database: run them on worker threads. Failures are kernel::Problem: 422 for
// invalid input (unknown products, a destination no carrier serves), 404 for what the viewer may
// not see, 401 for a callback whose signature does not hold.
class Shipping {
public:
    // db must serve the "shipping" module; the catalog tells products' weights and prices.
    // kernel::ConfigError for a rate table that cannot be used.
    Shipping(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, catalog::Catalog& catalog, ShippingSettings settings = {});
    ~Shipping();
    Shipping(const Shipping&) = delete;
    Shipping& operator=(const Shipping&) = delete;

    // Every option that carries the items there, cheapest first.
    std::vector<Option> calculate(const std::vector<Item>& items, const Destination& to);
    // option_id for these items, for an order; 422 on "shipping_option" when it does not carry them there.
    Option quote(const std::vector<Item>& items, const Destination& to, const std::string& option_id);

    Tracking track_order(const std::string& order_id, const std::string& user_id, bool admin);
    Tracking track_number(const std::string& tracking_number, const std::string& user_id, bool admin);
    // An admin's news of a parcel.
    Updated update(const TrackingUpdate& update);
    // A carrier's signed news of a parcel: 401 unless a carrier vouches for it.
    Updated carrier_callback(const CallbackDelivery& delivery);

    // Subscribes to orders.created (where a paid order goes) and payments.processed (a shipment for
    // each succeeded payment). Call before the bus starts.
    void follow_orders_and_payments(kernel::bus::Bus& bus);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::shipping
