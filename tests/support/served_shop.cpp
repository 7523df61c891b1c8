#include "support/served_shop.hpp"

#include <csignal>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/eventually.hpp"
#include "support/shop_server.hpp"
#include "support/silent_port.hpp"

namespace mercato::test {

namespace {

// Production settings except where they would only slow the tests: cheap password hashing, no rate
// limits (the tests are the only client), and logs at warn. The index lives in the test's folder.
std::string base_config(const std::string& search_dir) {
    return fmt::format(R"([server]
io_threads = 2
workers = 4

[rate_limit]
enabled = false

[users]
password_memory_kib = 64
password_passes = 1

[payments]
webhook_secrets = ["{}"]

[search]
index_dir = "{}"

[log]
level = "warn"
)",
                       shop_webhook_secret, search_dir);
}

}  // namespace

ServedShop::ServedShop(std::string db_url, const std::string& extra_config)
    : db_url_(std::move(db_url)), config_path_((dir_.path() / "mercato.toml").string()), port_(free_port()) {
    std::ofstream(config_path_) << base_config((dir_.path() / "search").string()) << '\n' << extra_config;
}

ServedShop::~ServedShop() = default;

void ServedShop::start() {
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        "serve", "--config", config_path_, "--db", db_url_, "--port", std::to_string(port_)});
    const bool ready = eventually(
        [&] {
            try {
                return client().get("/readyz").status == 200;
            } catch (const std::exception&) {
                return false;  // not listening yet
            }
        },
        std::chrono::seconds(30), std::chrono::milliseconds(50));
    INFO("server log: " << log());
    REQUIRE(ready);
    if (admin.empty()) {
        const auto made = run_mercato({"users", "create-admin", "--email", "admin@example.com", "--password", shop_password,
                                       "--db", db_url_, "--config", config_path_});
        INFO(made.out << made.err);
        REQUIRE(made.code == 0);
        auto c = client();
        admin = ShopServer::bearer(c, "admin@example.com", false);
    }
}

void ServedShop::kill() {
    process_->signal(SIGKILL);
    REQUIRE(process_->wait(std::chrono::seconds(10)) == 128 + SIGKILL);
}

void ServedShop::stop() {
    process_->signal(SIGTERM);
    REQUIRE(process_->wait(std::chrono::seconds(15)) == 0);
}

pid_t ServedShop::pid() const { return process_->pid(); }

std::int64_t ServedShop::memory_kib(const char* field) const {
    std::ifstream status(fmt::format("/proc/{}/status", pid()));
    const std::string prefix = std::string(field) + ":";
    for (std::string line; std::getline(status, line);) {
        if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size()));
    }
    FAIL("no " << field << " for pid " << pid());
    return 0;
}

std::string ServedShop::log() const { return process_ ? process_->output() + process_->errors() : std::string{}; }

Headers ServedShop::customer(const std::string& email) {
    auto c = client();
    return ShopServer::bearer(c, email, true);
}

nlohmann::json expect_json(const HttpReply& reply, int status) {
    INFO("status " << reply.status << ": " << reply.body);
    REQUIRE(reply.status == status);
    return reply.json();
}

}  // namespace mercato::test
