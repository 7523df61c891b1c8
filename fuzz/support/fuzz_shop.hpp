// The whole shop in-process for the fuzz targets: every module on a throwaway SQLite database, an
// admin signed in, a product and an order to name, and requests run through the server's pipeline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "app/app.hpp"
#include "http/pipeline.hpp"
#include "http/response.hpp"
#include "kernel/metrics.hpp"

namespace mercato::fuzz {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The secret the shop trusts on payment and carrier callbacks.
inline constexpr const char* callback_secret = "whsec-fuzz-0123456789abcdef";

class FuzzShop {
public:
    // adjust changes the configuration before the shop opens (rate limits, trusted proxies).
    explicit FuzzShop(const std::function<void(kernel::Config&)>& adjust = {});
    ~FuzzShop();
    FuzzShop(const FuzzShop&) = delete;
    FuzzShop& operator=(const FuzzShop&) = delete;

    app::App& app() { return *app_; }

    // Runs a request from 127.0.0.1 through the pipeline and its handler on this thread, as the
    // server does on its I/O and worker threads.
    http::Response send(std::string method, std::string_view target, std::string body, Headers headers = {});
    // A JSON request signed in as the admin.
    http::Response send_as_admin(std::string method, std::string_view target, std::string body);

    // "Bearer <token>" of the admin, renewed well before the token's 15 minutes are up.
    const std::string& admin_authorization();
    const std::string& product_id() const { return product_id_; }
    const std::string& order_id() const { return order_id_; }

    // Serves on 127.0.0.1 on a thread of its own until the shop is destroyed; returns the port.
    std::uint16_t serve();

private:
    std::string dir_;
    std::unique_ptr<app::App> app_;
    kernel::MetricsRegistry metrics_;
    std::unique_ptr<http::Pipeline> pipeline_;
    std::string admin_authorization_;
    std::string refresh_token_;
    std::chrono::steady_clock::time_point signed_in_at_;
    std::string product_id_;
    std::string order_id_;
    std::thread server_thread_;
};

// The answer the fuzz targets hold every route to: a success, or a client error told as
// problem+json. Anything else (a 5xx above all) prints the exchange and aborts, so libFuzzer
// records the input.
void expect_client_answer(const http::Response& response, std::string_view method, std::string_view target,
                          std::string_view body);

}  // namespace mercato::fuzz
