#include "support/fuzz_shop.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "kernel/logging.hpp"
#include "kernel/webhook_signature.hpp"
#include "modules/users/api/users.hpp"

namespace mercato::fuzz {

namespace {

using nlohmann::json;

constexpr const char* admin_email = "admin@example.com";
constexpr const char* admin_password = "fuzzing admin passphrase";
constexpr auto sign_in_again_after = std::chrono::minutes(10);

std::string make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mercato-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a temporary directory");
    return pattern;
}

kernel::Config fuzz_config(const std::string& db_url) {
    kernel::Config config;
    config.db_url = db_url;
    config.bind_address = "127.0.0.1";
    config.port = 0;
    config.io_threads = 1;
    config.workers = 2;
    config.db_pool_size = 4;
    // Errors only: a fuzz run sends millions of requests, and the 4xx among them are expected.
    config.log_level = "error";
    // The database is thrown away, and fsync per write would bound the executions per second.
    config.sqlite_synchronous = "off";
    for (auto& [name, policy] : config.rate_limits) policy = {1e9, 1e9};
    config.edit_section("users").set("password_memory_kib", 64);
    config.edit_section("users").set("password_passes", 1);
    config.edit_section("payments").set("webhook_secrets", std::vector<std::string>{callback_secret});
    config.edit_section("shipping").set("callback_secrets", std::vector<std::string>{callback_secret});
    return config;
}

std::string json_string(const http::Response& response, const char* field) {
    const auto body = json::parse(response.body, nullptr, false);
    if (response.status / 100 != 2 || !body.is_object() || !body.contains(field)) {
        throw std::runtime_error("the fuzz shop could not be set up: " + std::to_string(response.status) + " " + response.body);
    }
    return body[field].get<std::string>();
}

}  // namespace

FuzzShop::FuzzShop(const std::function<void(kernel::Config&)>& adjust) : dir_(make_temp_dir()) {
    auto config = fuzz_config("sqlite:" + dir_);
    if (adjust) adjust(config);
    kernel::init_logging(config.log_level, config.log_format);
    app_ = std::make_unique<app::App>(config);
    app_->migrate();
    pipeline_ = std::make_unique<http::Pipeline>(app_->config(), app_->router(), metrics_);
    pipeline_->set_authenticator([users = app_->users()](std::string_view token) -> std::optional<http::Principal> {
        auto identity = users->verify_access_token(token);
        if (!identity) return std::nullopt;
        return http::Principal{std::move(identity->user_id), std::move(identity->role)};
    });
    app_->users()->create_admin(admin_email, admin_password);

    product_id_ = json_string(send_as_admin("POST", "/v1/products",
                                            R"({"sku":"FUZZ-1","name":"Fuzz kettle","price":2500,"currency":"EUR","stock":1000000})"),
                              "id");
    const json order{{"items", {{{"product_id", product_id_}, {"quantity", 1}}}},
                     {"shipping_address",
                      {{"name", "Ann Smith"}, {"line1", "1 Main St"}, {"city", "Berlin"}, {"postal_code", "10115"}, {"country", "DE"}}}};
    order_id_ = json_string(send_as_admin("POST", "/v1/orders", order.dump()), "id");
}

FuzzShop::~FuzzShop() {
    if (server_thread_.joinable()) {
        app_->shutdown();
        server_thread_.join();
    }
    pipeline_.reset();
    app_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

http::Response FuzzShop::send(std::string method, std::string_view target, std::string body, Headers headers) {
    http::Request request;
    request.method = std::move(method);
    request.client_address = "127.0.0.1";
    request.headers = std::move(headers);
    request.body = std::move(body);
    const auto started = std::chrono::steady_clock::now();
    const http::Route* route = nullptr;
    std::optional<http::Response> answered = pipeline_->before(request, target, route, started);
    if (!answered && route->fast_path) answered = route->fast_path(request);
    http::Response response = answered ? std::move(*answered) : http::Pipeline::invoke(*route, request);
    pipeline_->after(request, response, route, std::chrono::steady_clock::now() - started);
    return response;
}

http::Response FuzzShop::send_as_admin(std::string method, std::string_view target, std::string body) {
    const auto now = std::chrono::system_clock::now();
    Headers headers{{"authorization", admin_authorization()},
                    {"content-type", "application/json"},
                    // Callbacks (payments, carriers) check it before they read the body; other routes ignore it.
                    {kernel::signature_header,
                     kernel::sign_webhook(body, callback_secret,
                                          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())}};
    return send(std::move(method), target, std::move(body), std::move(headers));
}

// The refresh token rotates on every use and is never shown to the fuzzed routes, so the admin stays
// signed in whatever they do to the account's email or sessions.
const std::string& FuzzShop::admin_authorization() {
    const auto now = std::chrono::steady_clock::now();
    if (admin_authorization_.empty() || now - signed_in_at_ > sign_in_again_after) {
        const auto tokens = refresh_token_.empty()
                                ? send("POST", "/v1/users/login", json{{"email", admin_email}, {"password", admin_password}}.dump(),
                                       {{"content-type", "application/json"}})
                                : send("POST", "/v1/users/token/refresh", json{{"refresh_token", refresh_token_}}.dump(),
                                       {{"content-type", "application/json"}});
        admin_authorization_ = "Bearer " + json_string(tokens, "access_token");
        refresh_token_ = json_string(tokens, "refresh_token");
        signed_in_at_ = now;
    }
    return admin_authorization_;
}

std::uint16_t FuzzShop::serve() {
    const std::uint16_t port = app_->listen();
    server_thread_ = std::thread([this] { app_->run(false); });
    return port;
}

void expect_client_answer(const http::Response& response, std::string_view method, std::string_view target,
                          std::string_view body) {
    const bool success = response.status >= 200 && response.status < 300;
    const bool client_error =
        response.status >= 400 && response.status < 500 && response.content_type == "application/problem+json";
    if (success || client_error) return;
    std::fprintf(stderr, "%.*s %.*s answered %d (%s): %s\nbody sent: %.*s\n", static_cast<int>(method.size()), method.data(),
                 static_cast<int>(target.size()), target.data(), response.status, response.content_type.c_str(),
                 response.body.c_str(), static_cast<int>(body.size()), body.data());
    std::abort();
}

}  // namespace mercato::fuzz
