// The users module through its facade, on SQLite (tests/module) and PostgreSQL (tests/pg). The
// tier that links it defines suite_database() for its backend.

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "kernel/auth/jwt.hpp"
#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/metrics.hpp"
#include "kernel/problem.hpp"
#include "modules/users/api/users.hpp"
#include "support/problem_of.hpp"
#include "support/module_database.hpp"
#include "support/test_database.hpp"

using mercato::test::fields_of;
using mercato::test::status_of;
using mercato::test::suite_database;

namespace {

using mercato::kernel::Problem;
using mercato::users::Profile;
using mercato::users::SignInThrottled;
using mercato::users::TokenPair;
using mercato::users::Users;
using mercato::users::UsersSettings;

constexpr const char* password = "correct horse battery";

// The users module on a fresh database, with cheap password hashing and a clock the test moves.
struct Shop {
    Shop() : t(suite_database()) {
        db = mercato::test::open_module_database(*t, {"users"}, 4);
        bus = std::make_unique<mercato::kernel::bus::Bus>(db, metrics);
        UsersSettings settings;
        settings.password_passes = 1;
        settings.password_memory_bytes = 64 * 1024;
        settings.now = [this] { return clock.load(); };
        users = std::make_unique<Users>(db, *bus, settings);
        users->load_keys();
    }

    // The events the users log holds, in order: topic and payload.
    std::vector<std::pair<std::string, nlohmann::json>> events() {
        return db->module("users").read([](soci::session& s) {
            std::vector<std::pair<std::string, nlohmann::json>> out;
            soci::rowset<soci::row> rows = (s.prepare << "SELECT topic, payload FROM users.outbox ORDER BY id");
            for (const auto& r : rows) out.emplace_back(r.get<std::string>(0), nlohmann::json::parse(r.get<std::string>(1)));
            return out;
        });
    }

    std::unique_ptr<mercato::test::TestDatabase> t;
    std::shared_ptr<mercato::kernel::Database> db;
    mercato::kernel::MetricsRegistry metrics;
    std::unique_ptr<mercato::kernel::bus::Bus> bus;
    std::atomic<std::int64_t> clock{1'800'000'000};
    std::unique_ptr<Users> users;
};

}  // namespace

TEST_CASE("registering normalises the email, makes a customer and publishes users.registered") {
    Shop shop;
    const Profile p = shop.users->register_user("  Ann@Example.COM ", password, "Ann");
    CHECK(p.email == "ann@example.com");
    CHECK(p.role == "customer");
    CHECK(p.id.rfind("usr_", 0) == 0);
    const auto events = shop.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].first == "users.registered");
    CHECK(events[0].second["user_id"] == p.id);
    CHECK(events[0].second["email"] == "ann@example.com");
    CHECK(events[0].second.dump().find(password) == std::string::npos);
}

TEST_CASE("registration refuses a taken email, whatever its case, with 409 and changes nothing") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    CHECK(status_of([&] { shop.users->register_user("ANN@example.com", password, "Other Ann"); }) == 409);
    CHECK(shop.users->list_users().size() == 1);
    CHECK(shop.events().size() == 1);
}

TEST_CASE("registration refuses a bad email, a short or common password and an empty name, all at once") {
    Shop shop;
    CHECK(fields_of([&] { shop.users->register_user("not-an-email", "short", " "); }) ==
          std::vector<std::string>{"email", "password", "name"});
    CHECK(fields_of([&] { shop.users->register_user("a@example.com", "password1", "A"); }) ==
          std::vector<std::string>{"password"});
    CHECK(shop.users->list_users().empty());
}

TEST_CASE("a password is stored as an Argon2id hash, never as itself") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    const std::string stored = shop.db->module("users").read([](soci::session& s) {
        std::string hash;
        s << "SELECT password_hash FROM users.accounts", soci::into(hash);
        return hash;
    });
    CHECK(stored.rfind("$argon2id$", 0) == 0);
    CHECK(stored.find(password) == std::string::npos);
}

TEST_CASE("login gives an access token that verifies as the user, and a refresh token stored only as a hash") {
    Shop shop;
    const Profile ann = shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair tokens = shop.users->login("Ann@Example.com", password, "192.0.2.1");
    CHECK(tokens.expires_in == 900);
    const auto identity = shop.users->verify_access_token(tokens.access_token);
    REQUIRE(identity);
    CHECK(identity->user_id == ann.id);
    CHECK(identity->role == "customer");
    CHECK(tokens.refresh_token.size() == 43);  // 256 bits, base64url
    const int plain = shop.db->module("users").read([&](soci::session& s) {
        int n = 0;
        s << "SELECT count(*) FROM users.refresh_tokens WHERE token_hash = :t", soci::use(tokens.refresh_token), soci::into(n);
        return n;
    });
    CHECK(plain == 0);
    CHECK_FALSE(shop.users->verify_access_token(tokens.refresh_token));  // a refresh token is no access token
}

TEST_CASE("wrong credentials are 401 alike for a wrong password and an unknown email") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    std::string known;
    std::string unknown;
    try {
        shop.users->login("ann@example.com", "wrong password!", "192.0.2.1");
    } catch (const Problem& p) {
        CHECK(p.status() == 401);
        known = p.detail();
    }
    try {
        shop.users->login("nobody@example.com", "wrong password!", "192.0.2.2");
    } catch (const Problem& p) {
        CHECK(p.status() == 401);
        unknown = p.detail();
    }
    CHECK_FALSE(known.empty());
    CHECK(known == unknown);
}

TEST_CASE("after 10 failed logins for an account, even the right password is refused until the window ends") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    for (int i = 0; i < 10; ++i) {
        CHECK(status_of([&] { shop.users->login("ann@example.com", "wrong password!", "198.51.100." + std::to_string(i)); }) == 401);
    }
    try {
        shop.users->login("ann@example.com", password, "203.0.113.9");
        FAIL("the account should be throttled");
    } catch (const SignInThrottled& e) {
        CHECK(e.retry_after_seconds > 0);
        CHECK(e.retry_after_seconds <= 15 * 60);
    }
}

TEST_CASE("after 10 failed logins from one address, that address is refused for other accounts too") {
    Shop shop;
    shop.users->register_user("bob@example.com", password, "Bob");
    for (int i = 0; i < 10; ++i) {
        shop.users->register_user("victim" + std::to_string(i) + "@example.com", password, "V");
        CHECK(status_of([&] { shop.users->login("victim" + std::to_string(i) + "@example.com", "wrong password!", "192.0.2.66"); }) == 401);
    }
    CHECK_THROWS_AS(shop.users->login("bob@example.com", password, "192.0.2.66"), SignInThrottled);
    CHECK_NOTHROW(shop.users->login("bob@example.com", password, "192.0.2.67"));
}

TEST_CASE("a throttled owner can still reset the password, and then sign in") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    for (int i = 0; i < 10; ++i) status_of([&] { shop.users->login("ann@example.com", "guess " + std::to_string(i), "198.51.100.1"); });
    CHECK_THROWS_AS(shop.users->login("ann@example.com", password, "203.0.113.5"), SignInThrottled);
    shop.users->request_password_reset("ann@example.com");
    const auto token = shop.events().back().second["token"].get<std::string>();
    shop.users->reset_password(token, "a brand new passphrase");
    CHECK_NOTHROW(shop.users->login("ann@example.com", "a brand new passphrase", "203.0.113.5"));
}

TEST_CASE("refreshing rotates the token: the new one works and the old one stops working") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair first = shop.users->login("ann@example.com", password, "192.0.2.1");
    const TokenPair second = shop.users->refresh(first.refresh_token);
    CHECK(second.refresh_token != first.refresh_token);
    CHECK(shop.users->verify_access_token(second.access_token));
    CHECK(status_of([&] { shop.users->refresh(first.refresh_token); }) == 401);
    CHECK_NOTHROW(shop.users->refresh(second.refresh_token));
}

TEST_CASE("a rotated refresh token used again later revokes its whole family") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair stolen = shop.users->login("ann@example.com", password, "192.0.2.1");
    const TokenPair owner = shop.users->refresh(stolen.refresh_token);
    shop.clock += 60;  // well past the grace for racing tabs
    CHECK(status_of([&] { shop.users->refresh(stolen.refresh_token); }) == 401);
    CHECK(status_of([&] { shop.users->refresh(owner.refresh_token); }) == 401);  // the family is gone
    // Another sign-in starts a family of its own, untouched.
    const TokenPair elsewhere = shop.users->login("ann@example.com", password, "192.0.2.1");
    CHECK_NOTHROW(shop.users->refresh(elsewhere.refresh_token));
}

TEST_CASE("two concurrent refreshes with one token leave exactly one valid successor") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair start = shop.users->login("ann@example.com", password, "192.0.2.1");
    auto attempt = [&] {
        try {
            return std::optional<TokenPair>(shop.users->refresh(start.refresh_token));
        } catch (const Problem&) {
            return std::optional<TokenPair>();
        }
    };
    auto a = std::async(std::launch::async, attempt);
    auto b = std::async(std::launch::async, attempt);
    const auto ra = a.get();
    const auto rb = b.get();
    REQUIRE(ra.has_value() != rb.has_value());
    const TokenPair& winner = ra ? *ra : *rb;
    CHECK_NOTHROW(shop.users->refresh(winner.refresh_token));
}

TEST_CASE("refresh tokens expire after 30 days") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair tokens = shop.users->login("ann@example.com", password, "192.0.2.1");
    shop.clock += 30 * 24 * 3600 + 1;
    CHECK(status_of([&] { shop.users->refresh(tokens.refresh_token); }) == 401);
}

TEST_CASE("access tokens expire after 15 minutes, with at most 60 seconds of leeway") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair tokens = shop.users->login("ann@example.com", password, "192.0.2.1");
    shop.clock += 15 * 60 + 59;
    CHECK(shop.users->verify_access_token(tokens.access_token));
    shop.clock += 2;
    CHECK_FALSE(shop.users->verify_access_token(tokens.access_token));
}

TEST_CASE("logout revokes the session's refresh token; another user's token is left alone") {
    Shop shop;
    const Profile ann = shop.users->register_user("ann@example.com", password, "Ann");
    const Profile bob = shop.users->register_user("bob@example.com", password, "Bob");
    const TokenPair anns = shop.users->login("ann@example.com", password, "192.0.2.1");
    const TokenPair bobs = shop.users->login("bob@example.com", password, "192.0.2.1");
    shop.users->logout(ann.id, bobs.refresh_token);
    CHECK_NOTHROW(shop.users->refresh(bobs.refresh_token));
    shop.users->logout(ann.id, anns.refresh_token);
    CHECK(status_of([&] { shop.users->refresh(anns.refresh_token); }) == 401);
    (void)bob;
}

TEST_CASE("a profile update changes name and email, refuses a taken email, and never the role") {
    Shop shop;
    const Profile ann = shop.users->register_user("ann@example.com", password, "Ann");
    shop.users->register_user("bob@example.com", password, "Bob");
    const Profile changed = shop.users->update_profile(ann.id, {std::string("Ann B."), std::string("ANN.B@example.com")});
    CHECK(changed.name == "Ann B.");
    CHECK(changed.email == "ann.b@example.com");
    CHECK(changed.role == "customer");
    CHECK(status_of([&] { shop.users->update_profile(ann.id, {std::nullopt, std::string("bob@example.com")}); }) == 409);
    CHECK(shop.users->profile(ann.id).email == "ann.b@example.com");
    CHECK(status_of([&] { shop.users->profile("usr_unknown"); }) == 404);
}

TEST_CASE("changing the password needs the current one and ends the other sessions") {
    Shop shop;
    const Profile ann = shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair session = shop.users->login("ann@example.com", password, "192.0.2.1");
    CHECK(fields_of([&] { shop.users->change_password(ann.id, "not it at all", "a brand new passphrase"); }) ==
          std::vector<std::string>{"current_password"});
    CHECK(fields_of([&] { shop.users->change_password(ann.id, password, "qwerty123"); }) ==
          std::vector<std::string>{"new_password"});
    shop.users->change_password(ann.id, password, "a brand new passphrase");
    CHECK(status_of([&] { shop.users->refresh(session.refresh_token); }) == 401);
    CHECK(status_of([&] { shop.users->login("ann@example.com", password, "192.0.2.1"); }) == 401);
    CHECK_NOTHROW(shop.users->login("ann@example.com", "a brand new passphrase", "192.0.2.1"));
}

TEST_CASE("a reset request publishes a single-use token for a known email, and nothing for an unknown one") {
    Shop shop;
    const Profile ann = shop.users->register_user("ann@example.com", password, "Ann");
    shop.users->request_password_reset("nobody@example.com");
    CHECK(shop.events().size() == 1);
    shop.users->request_password_reset("ANN@example.com");
    const auto event = shop.events().back();
    CHECK(event.first == "users.password-reset-requested");
    CHECK(event.second["user_id"] == ann.id);
    const std::string token = event.second["token"];
    shop.users->reset_password(token, "a brand new passphrase");
    CHECK(fields_of([&] { shop.users->reset_password(token, "another new passphrase"); }) == std::vector<std::string>{"token"});
    CHECK_NOTHROW(shop.users->login("ann@example.com", "a brand new passphrase", "192.0.2.1"));
}

TEST_CASE("a reset token expires after 30 minutes") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    shop.users->request_password_reset("ann@example.com");
    const std::string token = shop.events().back().second["token"];
    shop.clock += 30 * 60 + 1;
    CHECK(fields_of([&] { shop.users->reset_password(token, "a brand new passphrase"); }) == std::vector<std::string>{"token"});
    CHECK_NOTHROW(shop.users->login("ann@example.com", password, "192.0.2.1"));
}

TEST_CASE("create_admin makes a new admin, and run again promotes the account and sets the password") {
    Shop shop;
    const Profile admin = shop.users->create_admin("boss@example.com", "tr0ub4dor and more");
    CHECK(admin.role == "admin");
    shop.users->register_user("ann@example.com", password, "Ann");
    const Profile promoted = shop.users->create_admin("Ann@example.com", "a brand new passphrase");
    CHECK(promoted.role == "admin");
    CHECK(promoted.name == "Ann");
    const auto identity = shop.users->verify_access_token(
        shop.users->login("ann@example.com", "a brand new passphrase", "192.0.2.1").access_token);
    REQUIRE(identity);
    CHECK(identity->role == "admin");
    CHECK(shop.users->list_users().size() == 2);
}

TEST_CASE("signing keys are made once and shared: a second instance verifies the first one's tokens") {
    Shop shop;
    shop.users->register_user("ann@example.com", password, "Ann");
    const TokenPair tokens = shop.users->login("ann@example.com", password, "192.0.2.1");
    UsersSettings same_clock;
    same_clock.now = [&] { return shop.clock.load(); };
    Users second_copy(shop.db, *shop.bus, same_clock);
    second_copy.load_keys();
    CHECK(second_copy.verify_access_token(tokens.access_token));
    CHECK(second_copy.jwks() == shop.users->jwks());
    CHECK(nlohmann::json::parse(shop.users->jwks())["keys"].size() == 1);
}
