// The analytics module's facade: clients' events and the shop's business events, kept raw for a
// while and rolled up by day as they arrive, and the sales, product, funnel and customer reports
// read from those rollups.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mercato::kernel {
class Database;
class FeatureFlags;
namespace bus {
class Bus;
}
}  // namespace mercato::kernel

namespace mercato::analytics {

// Each configured feature flag and its answer for the event's subject ("on"/"off"): what an A/B
// test's report is split by.
using FeatureAnswers = std::vector<std::pair<std::string, std::string>>;

struct ClientEvent {
    std::string type;  // page_view, product_view, add_to_cart, checkout_started, search, or a custom [a-z_]{1,40}
    std::optional<std::string> user_id;  // the signed-in caller; none for anonymous visitors
    std::optional<std::string> session_id;
    std::optional<std::string> product_id;
    std::string properties = "{}";  // a JSON object, at most 4 KiB
    FeatureAnswers features;        // as the request that sent the event was answered
};

struct ReportQuery {
    std::string type;  // sales, top_products, funnel, customers
    std::optional<std::string> from;  // YYYY-MM-DD, UTC, inclusive
    std::optional<std::string> to;
    std::optional<std::string> currency;  // sales and top_products: which currency (default: the one with most orders)
    std::size_t limit = 10;               // top_products
    std::optional<std::string> feature;   // funnel: also split by this flag's answers (by_variant)
};

struct AnalyticsSettings {
    std::chrono::days retention{90};  // raw events older than this are deleted; rollups stay
    std::chrono::seconds sweep_interval{3600};
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// Calls block on the database: run them on worker threads. Failures are kernel::Problem 422 for
// invalid input.
class Analytics {
public:
    // Business events are counted under the answers features gives their customer, which must outlive this.
    Analytics(std::shared_ptr<kernel::Database> db, const kernel::FeatureFlags& features, AnalyticsSettings settings = {});
    ~Analytics();
    Analytics(const Analytics&) = delete;
    Analytics& operator=(const Analytics&) = delete;

    // Stores a client's event durably before returning; concurrent callers share one transaction.
    void record(const ClientEvent& event);
    // The report as the API shows it.
    nlohmann::json report(const ReportQuery& query);

    // Subscribes to the business events of the modules this process serves. Call before the bus starts.
    void follow_business_events(kernel::bus::Bus& bus);
    // Deletes raw events past the retention window; returns how many. The module's sweeper calls it.
    std::size_t prune();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::analytics
