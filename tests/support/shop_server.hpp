// The whole shop on a real server for HTTP suites: an admin and two customers signed in, and
// helpers to stock products, fill carts and send JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/running_app.hpp"
#include "support/test_database.hpp"

namespace mercato::test {

inline constexpr const char* shop_password = "correct horse battery";
// The payments webhook secret the shop's configuration trusts.
inline constexpr const char* shop_webhook_secret = "whsec-test-0123456789abcdef";

struct ShopServer {
    // adjust changes the test configuration before the server starts; extra_routes are test-only routes.
    explicit ShopServer(std::unique_ptr<TestDatabase> database, const std::function<void(kernel::Config&)>& adjust = {},
                        std::function<void(http::Router&)> extra_routes = {});

    HttpClient client() const { return HttpClient(app->port()); }

    static HttpReply send(HttpClient& c, const std::string& method, const std::string& path, const nlohmann::json& body,
                          const Headers& headers = {});
    static Headers bearer(HttpClient& c, const std::string& email, bool register_first);
    // A product on sale priced in EUR; returns its id.
    std::string product(HttpClient& c, const std::string& sku, std::int64_t stock, std::int64_t price = 1000);
    std::int64_t stock(HttpClient& c, const std::string& id);
    // An order body of one line, shipped to Berlin.
    static nlohmann::json cart(const std::string& product_id, std::int64_t quantity);

    std::unique_ptr<TestDatabase> db;
    std::unique_ptr<RunningApp> app;
    Headers admin;
    Headers ann;
    Headers bob;
};

// The reply is a problem+json with this status.
void check_problem(const HttpReply& reply, int status);
Headers with(Headers headers, std::string name, std::string value);

}  // namespace mercato::test
