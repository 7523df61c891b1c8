#include "app/app.hpp"

#include <algorithm>

#include "app/module_settings.hpp"
#include "http/bus_routes.hpp"
#include "http/ops_routes.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "kernel/bus/bus.hpp"
#include "kernel/bus/bus_schema.hpp"
#include "kernel/database.hpp"
#include "kernel/feature_flags.hpp"
#include "kernel/idempotency_schema.hpp"
#include "kernel/metrics.hpp"
#include "kernel/migrations.hpp"
#include "kernel/worker_pool.hpp"
#include "modules/analytics/module.hpp"
#include "modules/catalog/module.hpp"
#include "modules/orders/module.hpp"
#include "modules/notifications/module.hpp"
#include "modules/payments/module.hpp"
#include "modules/search/module.hpp"
#include "modules/shipping/module.hpp"
#include "modules/users/module.hpp"

namespace mercato::app {

struct App::Parts {
    Parts(kernel::Config cfg, std::vector<kernel::MigrationFile> files, Role role)
        : config(std::move(cfg)), settings(read_module_settings(config)), features(config.features) {
        kernel::DatabaseOptions options;
        options.url = config.db_url;
        options.pool_size = config.db_pool_size;
        options.sqlite_synchronous = config.sqlite_synchronous;
        options.busy_timeout_ms = config.busy_timeout_ms;
        options.group_commit = config.group_commit;
        const auto backend = kernel::parse_db_url(config.db_url).backend;
        plan = kernel::plan_migrations(backend, files);
        const auto modules = kernel::migration_modules(plan);
        // Every module's schema carries the bus's tables, created before the module's own migrations.
        auto bus_plan = kernel::bus::bus_migrations(backend, modules);
        plan.insert(plan.begin(), bus_plan.begin(), bus_plan.end());
        auto keys_plan = kernel::idempotency_migrations(backend, modules_accepting_idempotency_keys(modules));
        plan.insert(plan.end(), keys_plan.begin(), keys_plan.end());
        db = kernel::Database::open(options, modules);
        bus = std::make_unique<kernel::bus::Bus>(db, metrics, bus_options(config));
        readers = std::make_unique<kernel::WorkerPool>(static_cast<std::size_t>(config.workers));
        writers = std::make_unique<kernel::WorkerPool>(static_cast<std::size_t>(config.write_workers));
        register_pool_gauges();
        http::register_ops_routes(router, metrics, [this] {
            db->ping();
            return kernel::Migrator(*db, plan).pending();
        });
        http::register_bus_routes(router, *bus);
        server = std::make_unique<http::Server>(config, router, *readers, *writers, metrics);
        // A module is built in when this build carries its schema (tests may bring other modules of their own).
        if (std::find(modules.begin(), modules.end(), "users") != modules.end()) {
            users_module = std::make_unique<mercato::users::UsersModule>(db, *bus, settings.users);
            users_module->register_routes(router);
            server->set_authenticator(users_module->authenticator());
        }
        if (std::find(modules.begin(), modules.end(), "catalog") != modules.end()) {
            catalog_module = std::make_unique<mercato::catalog::CatalogModule>(db, *bus, settings.catalog);
            catalog_module->register_routes(router);
        }
        if (catalog_module && role == Role::server) {
            search_module = std::make_unique<mercato::search::SearchModule>(catalog_module->catalog(), *bus,
                                                                            search_settings(backend));
            search_module->register_routes(router);
            metrics.gauge("mercato_search_documents", "Products in this server copy's search index", {},
                          [this] { return static_cast<double>(search_module->search().document_count()); });
        }
        if (std::find(modules.begin(), modules.end(), "orders") != modules.end()) {
            if (!catalog_module) throw std::runtime_error("the orders module needs the catalog module");
            auto& catalog = catalog_module->catalog();
            if (std::find(modules.begin(), modules.end(), "shipping") != modules.end()) {
                shipping_module = std::make_unique<mercato::shipping::ShippingModule>(db, *bus, catalog, settings.shipping);
                shipping_module->register_routes(router);
            }
            orders_module = std::make_unique<mercato::orders::OrdersModule>(
                db, *bus, catalog, settings.orders, shipping_module ? &shipping_module->shipping() : nullptr);
            orders_module->register_routes(router);
            catalog.follow_orders(*bus);
        }
        if (std::find(modules.begin(), modules.end(), "payments") != modules.end()) {
            if (!orders_module) throw std::runtime_error("the payments module needs the orders module");
            payments_module = std::make_unique<mercato::payments::PaymentsModule>(
                db, *bus, orders_module->orders(), settings.payments);
            payments_module->register_routes(router);
        }
        if (std::find(modules.begin(), modules.end(), "analytics") != modules.end()) {
            analytics_module = std::make_unique<mercato::analytics::AnalyticsModule>(db, *bus, features, settings.analytics);
            analytics_module->register_routes(router);
        }
        if (std::find(modules.begin(), modules.end(), "notifications") != modules.end()) {
            if (!users_module) throw std::runtime_error("the notifications module needs the users module");
            notifications_module =
                std::make_unique<mercato::notifications::NotificationsModule>(db, *bus, users_module->users(), settings.notifications);
            notifications_module->register_routes(router);
        }
    }

    // The modules whose routes take an Idempotency-Key header, of those this build carries.
    static std::vector<std::string> modules_accepting_idempotency_keys(const std::vector<std::string>& modules) {
        std::vector<std::string> accepting;
        for (const char* module : {"orders", "payments"}) {
            if (std::find(modules.begin(), modules.end(), module) != modules.end()) accepting.emplace_back(module);
        }
        return accepting;
    }

    // On SQLite the index lives with the shop's other files; on PostgreSQL, unless configured, each
    // server copy builds a temporary one at start.
    mercato::search::SearchSettings search_settings(kernel::Backend backend) const {
        auto search = settings.search;
        if (search.index_dir.empty() && backend == kernel::Backend::sqlite) {
            search.index_dir = kernel::parse_db_url(config.db_url).sqlite_dir + "/search";
        }
        return search;
    }

    static kernel::bus::BusOptions bus_options(const kernel::Config& config) {
        kernel::bus::BusOptions options;
        options.max_attempts = config.bus_max_attempts;
        options.backoff_initial = std::chrono::milliseconds(config.bus_backoff_initial_ms);
        options.backoff_max = std::chrono::milliseconds(config.bus_backoff_max_ms);
        options.poll_interval = std::chrono::milliseconds(config.bus_poll_interval_ms);
        options.linger = std::chrono::milliseconds(config.bus_linger_ms);
        options.batch_size = config.bus_batch_size;
        options.retention = std::chrono::hours(config.bus_retention_hours);
        return options;
    }

    // A handler that outlived the shutdown grace still runs on a worker and reads its request from
    // the server's session: the workers finish before the server and its sessions are destroyed.
    ~Parts() { join_workers(); }

    void join_workers() {
        readers->join();
        writers->join();
    }

    void register_pool_gauges() {
        auto gauge = [this](const char* state, auto read) {
            metrics.gauge("mercato_db_pool_connections", "Database connections by state", {{"state", state}},
                          [db = db, read] { return static_cast<double>(read(db->stats())); });
        };
        gauge("open", [](const kernel::PoolStats& s) { return s.open; });
        gauge("in_use", [](const kernel::PoolStats& s) { return s.in_use; });
        gauge("waiting", [](const kernel::PoolStats& s) { return s.waiting; });
        metrics.gauge("mercato_db_pool_acquire_timeouts", "Requests that found no free database connection in time", {},
                      [db = db] { return static_cast<double>(db->stats().acquire_timeouts); });
        metrics.gauge("mercato_db_write_transactions", "Write transactions run", {},
                      [db = db] { return static_cast<double>(db->stats().write_transactions); });
        metrics.gauge("mercato_db_commits", "Commits (fewer than writes when writers share one)", {},
                      [db = db] { return static_cast<double>(db->stats().commits); });
    }

    kernel::Config config;
    ModuleSettings settings;
    kernel::FeatureFlags features;
    kernel::MetricsRegistry metrics;
    std::vector<kernel::Migration> plan;
    std::shared_ptr<kernel::Database> db;
    std::unique_ptr<kernel::bus::Bus> bus;
    std::unique_ptr<kernel::WorkerPool> readers;
    std::unique_ptr<kernel::WorkerPool> writers;
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::unique_ptr<mercato::users::UsersModule> users_module;
    std::unique_ptr<mercato::catalog::CatalogModule> catalog_module;
    std::unique_ptr<mercato::shipping::ShippingModule> shipping_module;
    std::unique_ptr<mercato::orders::OrdersModule> orders_module;
    std::unique_ptr<mercato::payments::PaymentsModule> payments_module;
    std::unique_ptr<mercato::notifications::NotificationsModule> notifications_module;
    std::unique_ptr<mercato::analytics::AnalyticsModule> analytics_module;
    std::unique_ptr<mercato::search::SearchModule> search_module;
};

App::App(kernel::Config config, std::vector<kernel::MigrationFile> migrations, Role role)
    : parts_(std::make_unique<Parts>(std::move(config), std::move(migrations), role)) {}

App::~App() = default;

std::vector<std::string> App::migrate() { return kernel::Migrator(*parts_->db, parts_->plan).apply(); }
std::vector<std::string> App::pending_migrations() { return kernel::Migrator(*parts_->db, parts_->plan).pending(); }

std::uint16_t App::listen() { return parts_->server->listen(); }

bool App::run(bool handle_signals) {
    // Before the start-up below, which reads the database: a SIGTERM meanwhile stops the server gracefully.
    if (handle_signals) parts_->server->catch_signals();
    // Token checks run on I/O threads and never read the database: the keys must be in memory first.
    if (parts_->users_module) parts_->users_module->users().load_keys();
    parts_->bus->start();
    if (parts_->catalog_module) parts_->catalog_module->start();
    if (parts_->orders_module) parts_->orders_module->start();
    if (parts_->payments_module) parts_->payments_module->start();
    if (parts_->notifications_module) parts_->notifications_module->start();
    if (parts_->analytics_module) parts_->analytics_module->start();
    if (parts_->search_module) parts_->search_module->start();
    const bool drained = parts_->server->run();
    if (parts_->search_module) parts_->search_module->stop();
    if (parts_->analytics_module) parts_->analytics_module->stop();
    if (parts_->notifications_module) parts_->notifications_module->stop();
    if (parts_->payments_module) parts_->payments_module->stop();
    if (parts_->orders_module) parts_->orders_module->stop();
    if (parts_->catalog_module) parts_->catalog_module->stop();
    parts_->bus->stop();
    if (!drained) return false;
    // Handlers still on workers reference requests owned by the server's sessions: let them finish first.
    parts_->join_workers();
    return true;
}

void App::shutdown() { parts_->server->shutdown(); }

kernel::Database& App::database() { return *parts_->db; }
kernel::bus::Bus& App::bus() { return *parts_->bus; }
users::Users* App::users() { return parts_->users_module ? &parts_->users_module->users() : nullptr; }
catalog::Catalog* App::catalog() { return parts_->catalog_module ? &parts_->catalog_module->catalog() : nullptr; }
orders::Orders* App::orders() { return parts_->orders_module ? &parts_->orders_module->orders() : nullptr; }
analytics::Analytics* App::analytics() { return parts_->analytics_module ? &parts_->analytics_module->analytics() : nullptr; }
notifications::Notifications* App::notifications() {
    return parts_->notifications_module ? &parts_->notifications_module->notifications() : nullptr;
}
shipping::Shipping* App::shipping() { return parts_->shipping_module ? &parts_->shipping_module->shipping() : nullptr; }
search::Search* App::search() { return parts_->search_module ? &parts_->search_module->search() : nullptr; }
payments::Payments* App::payments() { return parts_->payments_module ? &parts_->payments_module->payments() : nullptr; }
void App::set_authenticator(http::Authenticator authenticate) { parts_->server->set_authenticator(std::move(authenticate)); }
const kernel::Config& App::config() const { return parts_->config; }
const kernel::FeatureFlags& App::features() const { return parts_->features; }
http::Router& App::router() { return parts_->router; }

}  // namespace mercato::app
