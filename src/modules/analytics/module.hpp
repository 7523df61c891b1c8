// Wires the analytics module into a process: its facade, its routes, the subscription to business
// events, and the sweeper that prunes raw events past their retention.
#pragma once

#include <memory>

#include "kernel/periodic_task.hpp"
#include "modules/analytics/api/analytics.hpp"
#include "modules/analytics/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::analytics {

class AnalyticsModule {
public:
    // Subscribes to the business events of the modules this process serves: call before the bus starts.
    AnalyticsModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, const kernel::FeatureFlags& features,
                    AnalyticsSettings settings);

    Analytics& analytics() { return analytics_; }
    void register_routes(http::Router& router);
    void start() { sweeper_.start(); }
    void stop() { sweeper_.stop(); }

private:
    Analytics analytics_;
    kernel::PeriodicTask sweeper_;
};

}  // namespace mercato::analytics
