// The /v1/analytics routes: event collection from clients, and admins' reports as JSON or CSV.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::analytics {

class Analytics;

void register_analytics_routes(http::Router& router, Analytics& analytics);

}  // namespace mercato::analytics
