// The Notifications rows of API.md over HTTP on the real server, run on SQLite (tests/http) and
// PostgreSQL (tests/pg), with a real SMTP server on 127.0.0.1 (tests/support/smtp_sink.py): the
// customer's emails for registration, order, payment, shipment and delivery; one email however often
// its event is delivered; a dead SMTP server failing messages after their retries without holding up
// orders; signed webhooks; admin messages, histories and the promotional opt-out. The tier that links it
// defines suite_database() for its backend.

#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "http/router.hpp"
#include "kernel/database.hpp"
#include "kernel/webhook_signature.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/shop_server.hpp"
#include "support/silent_port.hpp"
#include "support/smtp_sink.hpp"

#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using nlohmann::json;
using mercato::test::HttpClient;
using mercato::test::HttpReply;
using mercato::test::check_problem;
using mercato::test::eventually;

constexpr const char* webhook_secret = "notify-secret-0123456789";

// A shop whose emails go to an SMTP server of the test's (or to port, when given: a dead one).
// What the shop's webhook endpoint (a route of the test's on the same server) received.
struct WebhookInbox {
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> deliveries;  // body, Mercato-Signature
};

struct NotifyingShop {
    explicit NotifyingShop(std::optional<std::uint16_t> smtp_port = std::nullopt)
        : port(mercato::test::free_port()),
          shop(suite_database(), [&](mercato::kernel::Config& c) {
              c.port = port;
              auto& n = c.edit_section("notifications");
              n.set("webhook_urls", std::vector<std::string>{"http://127.0.0.1:" + std::to_string(port) + "/test/shop-webhook"});
              n.set("webhook_secret", webhook_secret);
              n.set("smtp_host", "127.0.0.1");
              n.set("smtp_port", smtp_port.value_or(sink.port()));
              n.set("smtp_from", "Mercato Shop <shop@mercato.test>");
              n.set("smtp_tls", "off");
              n.set("smtp_timeout_ms", 1500);
              n.set("max_attempts", 2);
              n.set("backoff_initial_ms", 50);
              n.set("backoff_max_ms", 100);
              n.set("shop_name", "Test Shop");
          }, [this](mercato::http::Router& router) {
              router.add("POST", "/test/shop-webhook", [this](mercato::http::Request& r) {
                  std::lock_guard lock(inbox.mutex);
                  inbox.deliveries.emplace_back(r.body, std::string(r.header("mercato-signature")));
                  return mercato::http::Response::json(200, json::object());
              });
          }),
          c(shop.client()) {}

    // The user's history, newest first.
    json history(const mercato::test::Headers& who, const std::string& query = "") {
        const auto reply = c.get("/v1/notifications/history" + query, who);
        REQUIRE(reply.status == 200);
        return reply.json()["items"];
    }

    // The user's notification of that kind once it is no longer queued.
    json settled(const mercato::test::Headers& who, const std::string& kind) {
        json found;
        REQUIRE(eventually([&] {
            for (const auto& n : history(who)) {
                if (n["kind"] == kind && n["channel"] == "email" && n["status"] != "queued") found = n;
            }
            return !found.is_null();
        }));
        return found;
    }

    std::vector<mercato::test::ReceivedMail> mails_to(const std::string& address) {
        std::vector<mercato::test::ReceivedMail> out;
        for (auto& m : sink.messages()) {
            if (std::ranges::find(m.recipients, address) != m.recipients.end()) out.push_back(std::move(m));
        }
        return out;
    }

    mercato::test::SmtpSink sink;
    WebhookInbox inbox;
    std::uint16_t port;
    mercato::test::ShopServer shop;
    HttpClient c;
};

json pay_and_ship(NotifyingShop& s) {
    auto& shop = s.shop;
    const auto product = shop.product(s.c, "MUG", 10, 1250);
    const auto placed = mercato::test::ShopServer::send(s.c, "POST", "/v1/orders", mercato::test::ShopServer::cart(product, 2), shop.ann);
    REQUIRE(placed.status == 201);
    const json order = placed.json();
    REQUIRE(mercato::test::ShopServer::send(s.c, "POST", "/v1/payment/checkout",
                                            {{"order_id", order["id"]},
                                             {"method", "card"},
                                             {"card", {{"number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}}}},
                                            shop.ann)
                .status == 201);
    std::string number;
    REQUIRE(eventually([&] {
        const auto t = mercato::test::ShopServer::send(s.c, "POST", "/v1/shipping/track", {{"order_id", order["id"]}}, shop.ann);
        if (t.status == 200) number = t.json()["tracking_number"].get<std::string>();
        return t.status == 200;
    }));
    for (const char* status : {"in_transit", "delivered"}) {
        REQUIRE(mercato::test::ShopServer::send(s.c, "POST", "/v1/shipping/updates", {{"tracking_number", number}, {"status", status}},
                                                shop.admin)
                    .status == 200);
    }
    return order;
}

}  // namespace

TEST_CASE("registering sends a welcome email over SMTP to the new customer, and the history shows it sent") {
    NotifyingShop s;
    const json welcome = s.settled(s.shop.ann, "welcome");
    CHECK(welcome["status"] == "sent");
    CHECK(welcome["order_id"].is_null());
    REQUIRE(s.sink.wait_for(1, std::chrono::seconds(10)));
    const auto mails = s.mails_to("ann@example.com");
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].subject == welcome["subject"].get<std::string>());
    CHECK(mails[0].subject.find("Test Shop") != std::string::npos);
    CHECK(mails[0].text.find("N") != std::string::npos);
    CHECK_FALSE(mails[0].html.empty());
}

TEST_CASE("an order's confirmation, payment, shipment and delivery each email the customer once, with the order's id") {
    NotifyingShop s;
    const json order = pay_and_ship(s);
    const auto order_id = order["id"].get<std::string>();
    for (const char* kind : {"order_confirmation", "payment_received", "order_shipped", "order_delivered"}) {
        CAPTURE(kind);
        const json n = s.settled(s.shop.ann, kind);
        CHECK(n["status"] == "sent");
        CHECK(n["order_id"] == order_id);
    }
    REQUIRE(eventually([&] { return s.mails_to("ann@example.com").size() == 5; }));  // with the welcome
    std::size_t naming_order = 0;
    for (const auto& m : s.mails_to("ann@example.com")) naming_order += m.text.find(order_id) != std::string::npos;
    CHECK(naming_order == 4);
    const auto confirmation = s.settled(s.shop.ann, "order_confirmation");
    bool total_shown = false;
    for (const auto& m : s.mails_to("ann@example.com")) {
        if (m.subject == confirmation["subject"]) total_shown = m.text.find("25.00 EUR") != std::string::npos;
    }
    CHECK(total_shown);
}

TEST_CASE("an event delivered three times sends one email") {
    NotifyingShop s;
    s.settled(s.shop.ann, "welcome");
    auto& db = s.shop.app->app().database();
    const auto users_log_position = [&] {
        std::int64_t committed = 0;
        db.module("notifications").read([&](soci::session& session) {
            session << "SELECT MAX(committed_offset) FROM notifications.bus_offsets WHERE group_name = 'notifications.customers' "
                       "AND source = 'users'",
                soci::into(committed);
        });
        return committed;
    };
    // Twice: rewind the group to the start of the users log (a new batch_seq fences the running
    // driver, which then reloads the position), and let a new registration wake it. Every
    // registration is delivered again.
    for (int redelivery = 1; redelivery <= 2; ++redelivery) {
        const auto before = users_log_position();
        REQUIRE(before > 0);
        db.module("notifications").write([](soci::session& session) {
            session << "UPDATE notifications.bus_offsets SET committed_offset = 0, batch_seq = batch_seq + 1 "
                       "WHERE group_name = 'notifications.customers'";
        });
        mercato::test::ShopServer::bearer(s.c, "carol" + std::to_string(redelivery) + "@example.com", true);
        REQUIRE(eventually([&] { return users_log_position() > before; }));
    }
    REQUIRE(eventually([&] { return s.mails_to("carol2@example.com").size() == 1; }));
    CHECK(s.mails_to("ann@example.com").size() == 1);
    CHECK(s.mails_to("carol1@example.com").size() == 1);
    std::size_t welcomes = 0;
    for (const auto& n : s.history(s.shop.ann)) welcomes += n["kind"] == "welcome" && n["channel"] == "email";
    CHECK(welcomes == 1);
}

TEST_CASE("with the SMTP server down, messages fail after their retries with the error, and orders go on meanwhile") {
    // A port that accepts connections and never speaks: each attempt waits out the SMTP timeout.
    mercato::test::SilentPort silent;
    NotifyingShop s(silent.port());
    const auto product = s.shop.product(s.c, "MUG", 10, 1250);
    const auto placed = mercato::test::ShopServer::send(s.c, "POST", "/v1/orders", mercato::test::ShopServer::cart(product, 1), s.shop.ann);
    REQUIRE(placed.status == 201);
    const auto order_id = placed.json()["id"].get<std::string>();
    // The order is placed while its confirmation is still being tried.
    std::string confirmation_status;
    for (const auto& n : s.history(s.shop.ann)) {
        if (n["kind"] == "order_confirmation") confirmation_status = n["status"].get<std::string>();
    }
    CHECK(confirmation_status != "failed");
    const json failed = s.settled(s.shop.ann, "order_confirmation");
    CHECK(failed["status"] == "failed");
    CHECK(failed["attempts"] == 2);
    CHECK_FALSE(failed["last_error"].is_null());
}

TEST_CASE("an admin sends ad-hoc messages; promotional ones skip users who opted out; histories are the user's own") {
    NotifyingShop s;
    const auto ann_id = s.c.get("/v1/users/profile", s.shop.ann).json()["id"].get<std::string>();
    check_problem(mercato::test::ShopServer::send(s.c, "POST", "/v1/notifications/send",
                                                  {{"user_id", ann_id}, {"channel", "email"}, {"subject", "Hi"}, {"body", "Hello"}}, s.shop.ann),
                  403);
    check_problem(mercato::test::ShopServer::send(s.c, "POST", "/v1/notifications/send",
                                                  {{"user_id", ann_id}, {"channel", "fax"}, {"body", "Hello"}}, s.shop.admin),
                  422);
    check_problem(mercato::test::ShopServer::send(s.c, "POST", "/v1/notifications/send",
                                                  {{"user_id", "usr_nobody"}, {"channel", "sms"}, {"body", "Hello"}}, s.shop.admin),
                  422);
    const auto sent = mercato::test::ShopServer::send(
        s.c, "POST", "/v1/notifications/send", {{"user_id", ann_id}, {"channel", "email"}, {"subject", "Your parcel"}, {"body", "It left today."}},
        s.shop.admin);
    REQUIRE(sent.status == 202);
    CHECK(sent.json()["status"] == "queued");
    REQUIRE(eventually([&] {
        for (const auto& m : s.mails_to("ann@example.com")) {
            if (m.text.find("It left today.") != std::string::npos) return true;
        }
        return false;
    }));
    REQUIRE(mercato::test::ShopServer::send(s.c, "PUT", "/v1/notifications/preferences", {{"promotional", false}}, s.shop.ann).status == 200);
    CHECK(s.c.get("/v1/notifications/preferences", s.shop.ann).json()["promotional"] == false);
    const auto promo = mercato::test::ShopServer::send(
        s.c, "POST", "/v1/notifications/send",
        {{"user_id", ann_id}, {"channel", "sms"}, {"body", "50% off"}, {"promotional", true}}, s.shop.admin);
    REQUIRE(promo.status == 202);
    CHECK(promo.json()["status"] == "skipped");
    // Ann's history holds her own messages only; bob sees none of hers; the admin reads hers by user_id.
    for (const auto& n : s.history(s.shop.ann)) CHECK(n["user_id"] == ann_id);
    for (const auto& n : s.history(s.shop.bob)) CHECK(n["user_id"] != ann_id);
    const json for_admin = s.history(s.shop.admin, "?user_id=" + ann_id);
    CHECK(for_admin.size() == s.history(s.shop.ann).size());
    check_problem(s.c.get("/v1/notifications/history"), 401);
}

TEST_CASE("the shop's webhook gets every notification, signed with Mercato-Signature over its body") {
    NotifyingShop s;
    s.settled(s.shop.ann, "welcome");
    std::vector<std::pair<std::string, std::string>> deliveries;
    REQUIRE(eventually([&] {
        std::lock_guard lock(s.inbox.mutex);
        deliveries = s.inbox.deliveries;
        return deliveries.size() >= 2;  // the welcomes of ann and bob
    }));
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const auto& [body, signature] : deliveries) {
        CHECK_NOTHROW(mercato::kernel::verify_webhook_signature(signature, body, {webhook_secret}, now, std::chrono::seconds(300)));
        CHECK_THROWS(mercato::kernel::verify_webhook_signature(signature, body + " ", {webhook_secret}, now, std::chrono::seconds(300)));
        const json event = json::parse(body);
        CHECK(event["kind"] == "welcome");
        CHECK(event.contains("subject"));
    }
}

TEST_CASE("a password reset is mailed with its token, which resets the password; the stored message forgets the token once sent") {
    NotifyingShop s;
    s.settled(s.shop.ann, "welcome");
    REQUIRE(mercato::test::ShopServer::send(s.c, "POST", "/v1/users/password/reset-request", {{"email", "ann@example.com"}}).status == 202);
    std::string text;
    REQUIRE(eventually([&] {
        for (const auto& m : s.mails_to("ann@example.com")) {
            if (m.subject != s.settled(s.shop.ann, "welcome")["subject"]) text = m.text;
        }
        return !text.empty();
    }));
    // The token is the mail's one long unbroken word.
    std::string token;
    std::istringstream words(text);
    for (std::string w; words >> w;) {
        if (w.size() > token.size()) token = w;
    }
    REQUIRE(token.size() >= 20);
    REQUIRE(mercato::test::ShopServer::send(s.c, "POST", "/v1/users/password/reset",
                                            {{"token", token}, {"new_password", "a brand new passphrase"}})
                .status == 204);
    CHECK(mercato::test::ShopServer::send(s.c, "POST", "/v1/users/login",
                                          {{"email", "ann@example.com"}, {"password", "a brand new passphrase"}})
              .status == 200);
    const json reset = s.settled(s.shop.ann, "password_reset");
    CHECK(reset["status"] == "sent");
    const auto reset_id = reset["id"].get<std::string>();
    std::string stored;
    s.shop.app->app().database().module("notifications").read([&](soci::session& session) {
        session << "SELECT body_text FROM notifications.notifications WHERE id = :id", soci::use(reset_id), soci::into(stored);
    });
    CHECK(stored.empty());
    CHECK(stored.find(token) == std::string::npos);
}
