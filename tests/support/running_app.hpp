// A Mercato server running in-process on an ephemeral port, with the same wiring as `mercato serve`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "app/app.hpp"
#include "http/router.hpp"
#include "kernel/config.hpp"

namespace mercato::test {

struct AppSetup {
    kernel::Config config;
    std::vector<kernel::MigrationFile> migrations;
    bool migrate = true;
    std::function<void(http::Router&)> extra_routes;  // test-only routes, added before listening
    std::function<void(app::App&)> prepare;           // subscriptions, an authenticator: before listening
};

class RunningApp {
public:
    explicit RunningApp(AppSetup setup);
    ~RunningApp();

    std::uint16_t port() const noexcept { return port_; }
    app::App& app() { return *app_; }
    // Graceful shutdown; returns once the server has stopped.
    void stop();

private:
    std::unique_ptr<app::App> app_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

// A configuration for tests: the given database, port 0, quiet logs, generous rate limits.
kernel::Config test_config(const std::string& db_url);

}  // namespace mercato::test
