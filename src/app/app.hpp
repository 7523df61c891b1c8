// The composition root: builds the database, migrations, workers, router, modules and server of
// one Mercato process, explicitly and in one place (used by `mercato serve` and the HTTP tests).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "kernel/config.hpp"
#include "kernel/migration_source.hpp"

namespace mercato::kernel {
class Database;
class FeatureFlags;
}

namespace mercato::kernel::bus {
class Bus;
}

namespace mercato::http {
class Router;
}

namespace mercato::users {
class Users;
}

namespace mercato::catalog {
class Catalog;
}

namespace mercato::orders {
class Orders;
}

namespace mercato::payments {
class Payments;
}

namespace mercato::shipping {
class Shipping;
}

namespace mercato::notifications {
class Notifications;
}

namespace mercato::analytics {
class Analytics;
}

namespace mercato::search {
class Search;
}

namespace mercato::app {

// What the process is for. A command-line tool (migrate, users, seed) runs beside a serving copy and
// builds no read model a copy owns alone: the search index, which is locked by the copy that serves
// it and catches up from the catalog's log when it starts.
enum class Role { server, tool };

class App {
public:
    // Opens the database (without migrating). Throws ConfigError or Problem 503.
    explicit App(kernel::Config config, std::vector<kernel::MigrationFile> migrations = kernel::embedded_migrations(),
                 Role role = Role::server);
    ~App();

    // Applies pending migrations; returns their ids. Throws MigrationError.
    std::vector<std::string> migrate();
    std::vector<std::string> pending_migrations();

    // Binds the port (config.port, 0 for any) and returns it.
    std::uint16_t listen();
    // Starts the event bus's consumers, then serves until shutdown() or, with handle_signals, SIGTERM/SIGINT; in-flight work is finished.
    // Returns false when the grace period ran out first: handlers may still be running, and
    // destroying the app waits for them, so a process that must stop now should exit instead.
    bool run(bool handle_signals);
    void shutdown();

    kernel::Database& database();
    // The event bus: modules publish on it and subscribe to it (before run()).
    kernel::bus::Bus& bus();
    // The users module, or nullptr when the migrations given leave it out.
    users::Users* users();
    // The catalog module, or nullptr when the migrations given leave it out.
    catalog::Catalog* catalog();
    // The orders module, or nullptr when the migrations given leave it out.
    orders::Orders* orders();
    // The payments module, or nullptr when the migrations given leave it out.
    payments::Payments* payments();
    // The shipping module, or nullptr when the migrations given leave it out.
    shipping::Shipping* shipping();
    // The notifications module, or nullptr when the migrations given leave it out.
    notifications::Notifications* notifications();
    // The analytics module, or nullptr when the migrations given leave it out.
    analytics::Analytics* analytics();
    // The search module: built with the catalog, whose products it indexes.
    search::Search* search();
    // Resolves bearer tokens for every request (the users module's token verifier; tests use their own).
    void set_authenticator(http::Authenticator authenticate);
    const kernel::Config& config() const;
    // The [features] of the configuration, for modules rolling out a change gradually.
    const kernel::FeatureFlags& features() const;
    // Routes may be added before listen(); tests use this to drive the pipeline with handlers of their own.
    http::Router& router();

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace mercato::app
