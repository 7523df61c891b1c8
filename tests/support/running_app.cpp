#include "support/running_app.hpp"

#include "kernel/logging.hpp"

namespace mercato::test {

kernel::Config test_config(const std::string& db_url) {
    kernel::Config config;
    config.db_url = db_url;
    config.port = 0;
    config.io_threads = 2;
    config.workers = 4;
    config.log_level = "warn";
    for (auto& [name, policy] : config.rate_limits) policy = {10'000, 10'000};
    // Password hashing at production cost would dominate the suites' run time.
    config.edit_section("users").set("password_memory_kib", 64);
    config.edit_section("users").set("password_passes", 1);
    return config;
}

RunningApp::RunningApp(AppSetup setup) {
    kernel::init_logging(setup.config.log_level, setup.config.log_format);
    app_ = std::make_unique<app::App>(setup.config, setup.migrations);
    if (setup.migrate) app_->migrate();
    if (setup.extra_routes) setup.extra_routes(app_->router());
    if (setup.prepare) setup.prepare(*app_);
    port_ = app_->listen();
    thread_ = std::thread([this] { app_->run(false); });
}

RunningApp::~RunningApp() { stop(); }

void RunningApp::stop() {
    if (!thread_.joinable()) return;
    app_->shutdown();
    thread_.join();
}

}  // namespace mercato::test
