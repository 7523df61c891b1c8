// Wires the notifications module into a process: its channels from configuration, the facade, its
// routes, the subscription to the events that notify customers, and the dispatcher that sends.
#pragma once

#include <memory>

#include "kernel/periodic_task.hpp"
#include "modules/notifications/api/notifications.hpp"
#include "modules/notifications/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::notifications {

class NotificationsModule {
public:
    // Subscribes to the users, orders, payments and shipping logs this process serves: call before the bus starts.
    NotificationsModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, users::Users& users,
                        NotificationsModuleSettings settings);

    Notifications& notifications() { return notifications_; }
    void register_routes(http::Router& router);
    void start() { dispatcher_.start(); }
    void stop() { dispatcher_.stop(); }

private:
    Notifications notifications_;
    kernel::PeriodicTask dispatcher_;
};

}  // namespace mercato::notifications
