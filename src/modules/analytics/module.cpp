#include "modules/analytics/module.hpp"

#include <spdlog/spdlog.h>

#include "modules/analytics/http/analytics_routes.hpp"

namespace mercato::analytics {

AnalyticsModule::AnalyticsModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, const kernel::FeatureFlags& features,
                                 AnalyticsSettings settings)
    : analytics_(std::move(db), features, settings), sweeper_("pruning raw analytics events", settings.sweep_interval, [this] {
          if (const auto pruned = analytics_.prune()) spdlog::info("analytics: {} raw events past retention deleted", pruned);
      }) {
    analytics_.follow_business_events(bus);
}

void AnalyticsModule::register_routes(http::Router& router) { register_analytics_routes(router, analytics_); }

}  // namespace mercato::analytics
