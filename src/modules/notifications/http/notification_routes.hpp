// The /v1/notifications routes: an admin's messages, histories, and each user's preferences.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::notifications {

class Notifications;

void register_notification_routes(http::Router& router, Notifications& notifications);

}  // namespace mercato::notifications
