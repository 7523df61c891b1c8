#include "support/shop_server.hpp"

#include <doctest/doctest.h>

#include "app/app.hpp"
#include "kernel/migration_source.hpp"
#include "modules/users/api/users.hpp"

namespace mercato::test {

using nlohmann::json;

ShopServer::ShopServer(std::unique_ptr<TestDatabase> database, const std::function<void(kernel::Config&)>& adjust,
                       std::function<void(http::Router&)> extra_routes)
    : db(std::move(database)) {
    auto config = test_config(db->url());
    config.edit_section("payments").set("webhook_secrets", std::vector<std::string>{shop_webhook_secret});
    if (adjust) adjust(config);
    app = std::make_unique<RunningApp>(AppSetup{config, kernel::embedded_migrations(), true, std::move(extra_routes), {}});
    app->app().users()->create_admin("admin@example.com", shop_password);
    HttpClient c = client();
    admin = bearer(c, "admin@example.com", false);
    ann = bearer(c, "ann@example.com", true);
    bob = bearer(c, "bob@example.com", true);
}

HttpReply ShopServer::send(HttpClient& c, const std::string& method, const std::string& path, const json& body, const Headers& headers) {
    auto all = headers;
    all.emplace_back("Content-Type", "application/json");
    return c.send(method, path, body.dump(), all);
}

Headers ShopServer::bearer(HttpClient& c, const std::string& email, bool register_first) {
    if (register_first) send(c, "POST", "/v1/users/register", {{"email", email}, {"password", shop_password}, {"name", "N"}});
    const auto login = send(c, "POST", "/v1/users/login", {{"email", email}, {"password", shop_password}});
    REQUIRE(login.status == 200);
    return {{"Authorization", "Bearer " + login.json()["access_token"].get<std::string>()}};
}

std::string ShopServer::product(HttpClient& c, const std::string& sku, std::int64_t stock, std::int64_t price) {
    const auto reply = send(c, "POST", "/v1/products",
                            {{"sku", sku}, {"name", "Product " + sku}, {"price", price}, {"currency", "EUR"}, {"stock", stock}}, admin);
    REQUIRE(reply.status == 201);
    return reply.json()["id"].get<std::string>();
}

std::int64_t ShopServer::stock(HttpClient& c, const std::string& id) {
    return c.get("/v1/products/" + id).json()["stock"].get<std::int64_t>();
}

json ShopServer::cart(const std::string& product_id, std::int64_t quantity) {
    return {{"items", {{{"product_id", product_id}, {"quantity", quantity}}}},
            {"shipping_address", {{"name", "Ann Smith"}, {"line1", "1 Main St"}, {"city", "Berlin"}, {"postal_code", "10115"},
                                  {"country", "DE"}}}};
}

void check_problem(const HttpReply& reply, int status) {
    CHECK(reply.status == status);
    CHECK(reply.header("content-type") == "application/problem+json");
}

Headers with(Headers headers, std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return headers;
}

}  // namespace mercato::test
