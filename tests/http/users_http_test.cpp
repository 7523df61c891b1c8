// The Users rows of API.md over HTTP on the real server, and the forged tokens it must refuse.
#include <doctest/doctest.h>

#include <array>

#include <nlohmann/json.hpp>
#include <openssl/hmac.h>
#include <soci/soci.h>

#include "app/app.hpp"
#include "kernel/auth/jwt.hpp"
#include "kernel/database.hpp"
#include "kernel/hashing.hpp"
#include "kernel/migration_source.hpp"
#include "modules/users/api/users.hpp"
#include "support/http_client.hpp"
#include "support/running_app.hpp"
#include "support/shop_server.hpp"
#include "support/test_database.hpp"

using namespace mercato;
using nlohmann::json;
using test::check_problem;
using test::HttpClient;
using test::HttpReply;

namespace {

constexpr const char* password = "correct horse battery";

struct UsersServer {
    UsersServer() : db(test::fresh_sqlite()) {
        test::AppSetup setup{test::test_config(db->url()), kernel::embedded_migrations(), true, {}, {}};
        app = std::make_unique<test::RunningApp>(std::move(setup));
    }
    HttpClient client() const { return HttpClient(app->port()); }
    app::App& shop() { return app->app(); }

    std::unique_ptr<test::TestDatabase> db;
    std::unique_ptr<test::RunningApp> app;
};

HttpReply post(HttpClient& c, const std::string& path, const json& body, const test::Headers& headers = {}) {
    test::Headers all = headers;
    all.emplace_back("Content-Type", "application/json");
    return c.send("POST", path, body.dump(), all);
}

test::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

json sign_up_and_in(HttpClient& c, const std::string& email) {
    REQUIRE(post(c, "/v1/users/register", {{"email", email}, {"password", password}, {"name", "Ann"}}).status == 201);
    const auto login = post(c, "/v1/users/login", {{"email", email}, {"password", password}});
    REQUIRE(login.status == 200);
    return login.json();
}

std::string b64(std::string_view text) {
    return kernel::auth::base64url_encode({reinterpret_cast<const unsigned char*>(text.data()), text.size()});
}

// The server's current signing key, as an attacker who read the database would have it (to build
// tokens that are signed right but wrong in some other way).
kernel::auth::SigningKey server_key(app::App& shop) {
    const std::string seed_hex = shop.database().module("users").read([](soci::session& s) {
        std::string hex;
        s << "SELECT private_key FROM users.signing_keys", soci::into(hex);
        return hex;
    });
    const auto bytes = kernel::hex_decode(seed_hex);
    REQUIRE(bytes);
    std::array<unsigned char, 32> seed{};
    REQUIRE(bytes->size() == seed.size());
    std::copy(bytes->begin(), bytes->end(), seed.begin());
    return kernel::auth::signing_key_from_private(seed);
}

}  // namespace

TEST_CASE("register answers 201 with the profile and never a password; a taken email is 409, bad input 422") {
    UsersServer s;
    auto c = s.client();
    const auto reply = post(c, "/v1/users/register", {{"email", "Ann@Example.com"}, {"password", password}, {"name", "Ann"}});
    CHECK(reply.status == 201);
    const auto body = reply.json();
    CHECK(body["email"] == "ann@example.com");
    CHECK(body["role"] == "customer");
    CHECK(body["name"] == "Ann");
    CHECK(body["id"].is_string());
    CHECK(body["created_at"].is_string());
    CHECK_FALSE(body.contains("password"));
    CHECK_FALSE(body.contains("password_hash"));
    check_problem(post(c, "/v1/users/register", {{"email", "ann@example.com"}, {"password", password}, {"name", "A"}}), 409);
    const auto invalid = post(c, "/v1/users/register", {{"email", "nope"}, {"password", "short"}, {"name", "A"}});
    check_problem(invalid, 422);
    CHECK(invalid.json()["errors"].size() == 2);
    check_problem(c.send("POST", "/v1/users/register", "{not json", {{"Content-Type", "application/json"}}), 400);
}

TEST_CASE("register refuses a role, an id or timestamps in the body rather than applying them") {
    UsersServer s;
    auto c = s.client();
    const auto reply = post(c, "/v1/users/register",
                            {{"email", "eve@example.com"}, {"password", password}, {"name", "Eve"}, {"role", "admin"}});
    check_problem(reply, 422);
    CHECK(reply.json()["errors"][0]["field"] == "role");
    CHECK(post(c, "/v1/users/login", {{"email", "eve@example.com"}, {"password", password}}).status == 401);
}

TEST_CASE("login answers tokens; wrong credentials are 401 with the same body whether the email exists or not") {
    UsersServer s;
    auto c = s.client();
    const json tokens = sign_up_and_in(c, "ann@example.com");
    CHECK(tokens["token_type"] == "Bearer");
    CHECK(tokens["expires_in"] == 900);
    CHECK(tokens["access_token"].is_string());
    CHECK(tokens["refresh_token"].is_string());
    const auto wrong = post(c, "/v1/users/login", {{"email", "ann@example.com"}, {"password", "not the password"}});
    const auto unknown = post(c, "/v1/users/login", {{"email", "bob@example.com"}, {"password", "not the password"}});
    check_problem(wrong, 401);
    check_problem(unknown, 401);
    CHECK(wrong.json()["detail"] == unknown.json()["detail"]);
}

TEST_CASE("repeated failed logins are throttled with 429 and Retry-After") {
    UsersServer s;
    auto c = s.client();
    sign_up_and_in(c, "ann@example.com");
    for (int i = 0; i < 10; ++i) post(c, "/v1/users/login", {{"email", "ann@example.com"}, {"password", "guess number " + std::to_string(i)}});
    const auto refused = post(c, "/v1/users/login", {{"email", "ann@example.com"}, {"password", password}});
    check_problem(refused, 429);
    CHECK(std::stoi(refused.header("retry-after")) > 0);
}

TEST_CASE("profile, update, refresh, logout and password change, each as API.md says") {
    UsersServer s;
    auto c = s.client();
    const json tokens = sign_up_and_in(c, "ann@example.com");
    const auto auth = bearer(tokens["access_token"]);

    const auto profile = c.get("/v1/users/profile", auth);
    CHECK(profile.status == 200);
    CHECK(profile.json()["email"] == "ann@example.com");
    check_problem(c.get("/v1/users/profile"), 401);

    test::Headers json_auth = auth;
    json_auth.emplace_back("Content-Type", "application/json");
    const auto updated = c.send("PUT", "/v1/users/update", json{{"name", "Ann B."}}.dump(), json_auth);
    CHECK(updated.status == 200);
    CHECK(updated.json()["name"] == "Ann B.");
    check_problem(c.send("PUT", "/v1/users/update", json{{"role", "admin"}}.dump(), json_auth), 422);
    CHECK(c.get("/v1/users/profile", auth).json()["role"] == "customer");

    const auto refreshed = post(c, "/v1/users/token/refresh", {{"refresh_token", tokens["refresh_token"]}});
    CHECK(refreshed.status == 200);
    CHECK(refreshed.json()["token_type"] == "Bearer");
    check_problem(post(c, "/v1/users/token/refresh", {{"refresh_token", tokens["refresh_token"]}}), 401);

    check_problem(post(c, "/v1/users/logout", {{"refresh_token", refreshed.json()["refresh_token"]}}), 401);
    CHECK(post(c, "/v1/users/logout", {{"refresh_token", refreshed.json()["refresh_token"]}}, auth).status == 204);
    check_problem(post(c, "/v1/users/token/refresh", {{"refresh_token", refreshed.json()["refresh_token"]}}), 401);

    check_problem(post(c, "/v1/users/password", {{"current_password", "wrong one!"}, {"new_password", "a brand new passphrase"}}, auth), 422);
    CHECK(post(c, "/v1/users/password", {{"current_password", password}, {"new_password", "a brand new passphrase"}}, auth).status == 204);
    CHECK(post(c, "/v1/users/login", {{"email", "ann@example.com"}, {"password", "a brand new passphrase"}}).status == 200);
}

TEST_CASE("a reset request is 202 for any email; the mailed token resets the password once") {
    UsersServer s;
    auto c = s.client();
    sign_up_and_in(c, "ann@example.com");
    const auto unknown = post(c, "/v1/users/password/reset-request", {{"email", "nobody@example.com"}});
    const auto known = post(c, "/v1/users/password/reset-request", {{"email", "ann@example.com"}});
    CHECK(unknown.status == 202);
    CHECK(known.status == 202);
    CHECK(unknown.body == known.body);
    CHECK(known.body.find("token") == std::string::npos);
    const std::string token = s.shop().database().module("users").read([](soci::session& sql) {
        std::string payload;
        sql << "SELECT payload FROM users.outbox WHERE topic = 'users.password-reset-requested'", soci::into(payload);
        return json::parse(payload)["token"].get<std::string>();
    });
    CHECK(post(c, "/v1/users/password/reset", {{"token", token}, {"new_password", "a brand new passphrase"}}).status == 204);
    check_problem(post(c, "/v1/users/password/reset", {{"token", token}, {"new_password", "another passphrase!"}}), 422);
    CHECK(post(c, "/v1/users/login", {{"email", "ann@example.com"}, {"password", "a brand new passphrase"}}).status == 200);
}

TEST_CASE("forged and misused tokens are all 401: alg none, HS256 with the public key, a flipped signature, expired, another audience, a refresh token") {
    UsersServer s;
    auto c = s.client();
    const json tokens = sign_up_and_in(c, "ann@example.com");
    const std::string good = tokens["access_token"];
    REQUIRE(c.get("/v1/users/profile", bearer(good)).status == 200);
    const std::string payload_part = good.substr(good.find('.') + 1, good.rfind('.') - good.find('.') - 1);
    const auto key = server_key(s.shop());

    std::vector<std::string> forged;
    forged.push_back(b64(R"({"alg":"none","typ":"JWT"})") + "." + payload_part + ".");
    forged.push_back(b64(R"({"alg":"None","typ":"JWT","kid":")" + key.kid + R"("})") + "." + payload_part + ".");
    {
        const std::string signing_input = b64(R"({"alg":"HS256","typ":"JWT","kid":")" + key.kid + R"("})") + "." + payload_part;
        const std::string jwks_x = json::parse(c.get("/.well-known/jwks.json").body)["keys"][0]["x"];
        for (const std::string& secret : {std::string(key.public_key.begin(), key.public_key.end()), jwks_x}) {
            unsigned char mac[32];
            unsigned int length = 0;
            HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                 reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &length);
            forged.push_back(signing_input + "." + kernel::auth::base64url_encode({mac, length}));
        }
    }
    {
        auto signature = *kernel::auth::base64url_decode(good.substr(good.rfind('.') + 1));
        signature[10] = static_cast<char>(signature[10] ^ 0x01);
        forged.push_back(good.substr(0, good.rfind('.') + 1) +
                         kernel::auth::base64url_encode({reinterpret_cast<const unsigned char*>(signature.data()), signature.size()}));
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    forged.push_back(kernel::auth::sign_jwt({"usr_x", "admin", "mercato", "mercato-api", "jti_1", now - 3600, now - 1800}, key));
    forged.push_back(kernel::auth::sign_jwt({"usr_x", "admin", "mercato", "billing-api", "jti_2", now, now + 600}, key));
    forged.push_back(tokens["refresh_token"]);
    for (const auto& token : forged) {
        INFO(token);
        check_problem(c.get("/v1/users/profile", bearer(token)), 401);
    }
}

TEST_CASE("the JWKS lists the signing key, and an admin made on the command line's path reaches admin routes") {
    UsersServer s;
    auto c = s.client();
    const auto jwks = c.get("/.well-known/jwks.json");
    CHECK(jwks.status == 200);
    const auto keys = json::parse(jwks.body)["keys"];
    REQUIRE(keys.size() == 1);
    CHECK(keys[0]["kty"] == "OKP");
    CHECK(keys[0]["alg"] == "EdDSA");
    CHECK_FALSE(keys[0].contains("d"));

    const json customer = sign_up_and_in(c, "ann@example.com");
    check_problem(c.get("/v1/admin/bus", bearer(customer["access_token"])), 403);
    s.shop().users()->create_admin("boss@example.com", "tr0ub4dor and more");
    const auto admin = post(c, "/v1/users/login", {{"email", "boss@example.com"}, {"password", "tr0ub4dor and more"}});
    REQUIRE(admin.status == 200);
    CHECK(c.get("/v1/admin/bus", bearer(admin.json()["access_token"])).status == 200);
}

TEST_CASE("the OpenAPI document lists every route the server registers with the users module built in") {
    UsersServer s;
    auto c = s.client();
    const json doc = json::parse(c.get("/openapi.json").body);
    for (const auto& route : s.shop().router().routes()) {
        std::string verb = route.method;
        std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        INFO(route.method << " " << route.pattern);
        CHECK(doc["paths"].contains(route.pattern));
        CHECK(doc["paths"][route.pattern].contains(verb));
    }
}
