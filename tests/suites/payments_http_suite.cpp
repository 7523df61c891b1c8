// The Payments rows of API.md over HTTP on the real server, run on SQLite (tests/http) and PostgreSQL
// (tests/pg): the sandbox's cards, who may pay and see what, Idempotency-Key, parallel checkouts,
// bank transfers, signed webhooks, refunds and disputes. The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/webhook_signature.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/shop_server.hpp"

#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using nlohmann::json;
using mercato::test::Headers;
using mercato::test::HttpClient;
using mercato::test::HttpReply;
using mercato::test::check_problem;
using mercato::test::eventually;
using mercato::test::with;

constexpr const char* accepted_card = "4242424242424242";

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct PaymentsShop : mercato::test::ShopServer {
    PaymentsShop() : ShopServer(suite_database()), c(client()) {}

    // A pending order of ann's for `quantity` units of a new product priced 1250 EUR.
    json order(std::int64_t quantity = 2) {
        const auto product_id = product(c, "SKU" + std::to_string(++products), 100, 1250);
        const auto reply = send(c, "POST", "/v1/orders", cart(product_id, quantity), ann);
        REQUIRE(reply.status == 201);
        return reply.json();
    }

    static json card_checkout(const std::string& order_id, const std::string& number) {
        return {{"order_id", order_id},
                {"method", "card"},
                {"card", {{"number", number}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}}}};
    }

    HttpReply pay(HttpClient& with_client, const std::string& order_id, const std::string& number, const Headers& who) {
        return send(with_client, "POST", "/v1/payment/checkout", card_checkout(order_id, number), who);
    }
    HttpReply pay(const std::string& order_id, const std::string& number = accepted_card) { return pay(c, order_id, number, ann); }

    json status_of_order(const std::string& order_id, const Headers& who) {
        const auto reply = c.get("/v1/payment/status?order_id=" + order_id, who);
        REQUIRE(reply.status == 200);
        return reply.json();
    }

    std::string order_status(const std::string& order_id) {
        return c.get("/v1/orders/" + order_id, ann).json()["status"].get<std::string>();
    }

    // A webhook of the sandbox, signed at `at` with `secret`.
    HttpReply webhook(const json& event, std::int64_t at, const std::string& secret = mercato::test::shop_webhook_secret) {
        const std::string body = event.dump();
        return c.send("POST", "/v1/payment/webhooks/sandbox", body,
                      {{"Content-Type", "application/json"}, {"Mercato-Signature", mercato::kernel::sign_webhook(body, secret, at)}});
    }
    HttpReply webhook(const json& event) { return webhook(event, unix_now()); }

    static json event(const std::string& id, const std::string& type, json data, std::int64_t created = unix_now()) {
        return {{"id", id}, {"type", type}, {"created", created}, {"data", std::move(data)}};
    }

    HttpClient c;
    int products = 0;
};

}  // namespace

TEST_CASE("an accepted card pays the order's own total: 201 succeeded, brand and last four only, and the order moves to processing") {
    PaymentsShop s;
    const json o = s.order(2);
    const auto order_id = o["id"].get<std::string>();
    auto body = PaymentsShop::card_checkout(order_id, accepted_card);
    body["amount"] = 1;  // amount and currency are the order's, never the client's
    body["currency"] = "USD";
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", body), 401);
    const auto reply = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", body, s.ann);
    REQUIRE(reply.status == 201);
    const json p = reply.json();
    CHECK(p["status"] == "succeeded");
    CHECK(p["method"] == "card");
    CHECK(p["amount"] == 2500);
    CHECK(p["currency"] == "EUR");
    CHECK(p["refunded_amount"] == 0);
    CHECK(p["provider"] == "sandbox");
    CHECK(p["order_id"] == order_id);
    CHECK(p["card"] == json{{"brand", "visa"}, {"last4", "4242"}});
    CHECK(p["id"].get<std::string>().starts_with("pay_"));
    CHECK(reply.body.find(accepted_card) == std::string::npos);
    CHECK(eventually([&] { return s.order_status(order_id) == "processing"; }));
    CHECK(s.status_of_order(order_id, s.ann)["id"] == p["id"]);
}

TEST_CASE("a declined card is 402 with a failed payment on record; the order stays pending and can be paid again") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto declined = s.pay(order_id, "4000000000000002");
    check_problem(declined, 402);
    CHECK(declined.json()["detail"].get<std::string>().find("card_declined") != std::string::npos);
    const json failed = s.status_of_order(order_id, s.ann);
    CHECK(failed["status"] == "failed");
    CHECK(failed["failure"]["code"] == "card_declined");
    CHECK(failed["card"]["last4"] == "0002");
    CHECK(s.order_status(order_id) == "pending");

    const auto poor = s.pay(order_id, "4000000000009995");
    check_problem(poor, 402);
    CHECK(s.status_of_order(order_id, s.ann)["failure"]["code"] == "insufficient_funds");

    const auto paid = s.pay(order_id);
    REQUIRE(paid.status == 201);
    // By order id: its succeeded payment, though a failed attempt is newer in the list of attempts.
    CHECK(s.status_of_order(order_id, s.admin)["id"] == paid.json()["id"]);
    CHECK(eventually([&] { return s.order_status(order_id) == "processing"; }));
}

TEST_CASE("a card number failing the Luhn check and other bad fields are 422 and record nothing") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto luhn = s.pay(order_id, "4242424242424241");
    check_problem(luhn, 422);
    CHECK(luhn.json()["errors"][0]["field"] == "card.number");
    CHECK(luhn.body.find("4242424242424241") == std::string::npos);
    auto expired = PaymentsShop::card_checkout(order_id, accepted_card);
    expired["card"]["exp_year"] = 2020;
    expired["card"]["cvc"] = "12";
    const auto bad = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", expired, s.ann);
    check_problem(bad, 422);
    CHECK(bad.json()["errors"].size() == 2);
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", {{"order_id", order_id}, {"method", "cash"}}, s.ann), 422);
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", {{"order_id", order_id}, {"method", "card"}}, s.ann), 422);
    check_problem(s.c.get("/v1/payment/status?order_id=" + order_id, s.ann), 404);
    CHECK(s.order_status(order_id) == "pending");
}

TEST_CASE("paying someone else's or an unknown order is 404; paying an order that is not pending is 409") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    check_problem(s.pay(s.c, order_id, accepted_card, s.bob), 404);
    check_problem(s.pay("ord_01JD7X0000000000000000000000"), 404);
    REQUIRE(s.pay(order_id).status == 201);
    check_problem(s.pay(order_id), 409);
    const auto cancelled = s.order()["id"].get<std::string>();
    REQUIRE(PaymentsShop::send(s.c, "POST", "/v1/orders/" + cancelled + "/cancel", json::object(), s.ann).status == 200);
    check_problem(s.pay(cancelled), 409);
}

TEST_CASE("payment status is the owner's and the admin's: others get 404, a missing query 422, no token 401") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto payment_id = s.pay(order_id).json()["id"].get<std::string>();
    CHECK(s.c.get("/v1/payment/status?payment_id=" + payment_id, s.ann).json()["order_id"] == order_id);
    CHECK(s.c.get("/v1/payment/status?payment_id=" + payment_id, s.admin).status == 200);
    check_problem(s.c.get("/v1/payment/status?payment_id=" + payment_id, s.bob), 404);
    check_problem(s.c.get("/v1/payment/status?order_id=" + order_id, s.bob), 404);
    check_problem(s.c.get("/v1/payment/status", s.ann), 422);
    check_problem(s.c.get("/v1/payment/status?payment_id=" + payment_id), 401);
}

TEST_CASE("Idempotency-Key on checkout: a repeat returns the stored answer, declines included; another body is 422") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto declined_key = with(s.ann, "Idempotency-Key", "pay-declined");
    const auto declined = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", PaymentsShop::card_checkout(order_id, "4000000000000002"),
                                             declined_key);
    check_problem(declined, 402);
    const auto declined_again = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout",
                                                   PaymentsShop::card_checkout(order_id, "4000000000000002"), declined_key);
    CHECK(declined_again.status == 402);
    CHECK(declined_again.body == declined.body);
    CHECK(declined_again.header("idempotent-replayed") == "true");

    const auto key = with(s.ann, "Idempotency-Key", "pay-once");
    const auto first = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", PaymentsShop::card_checkout(order_id, accepted_card), key);
    REQUIRE(first.status == 201);
    const auto again = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", PaymentsShop::card_checkout(order_id, accepted_card), key);
    CHECK(again.status == 201);
    CHECK(again.body == first.body);
    CHECK(again.header("idempotent-replayed") == "true");
    const auto other = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout",
                                          PaymentsShop::card_checkout(order_id, "5555555555554444"), key);
    check_problem(other, 422);
}

TEST_CASE("twenty parallel checkouts of one order make one succeeded payment; the others are refused") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    std::vector<std::future<int>> attempts;
    for (int i = 0; i < 20; ++i) {
        attempts.push_back(std::async(std::launch::async, [&] {
            HttpClient own = s.client();
            return s.pay(own, order_id, accepted_card, s.ann).status;
        }));
    }
    int succeeded = 0;
    int refused = 0;
    for (auto& a : attempts) {
        const int status = a.get();
        succeeded += status == 201;
        refused += status == 409;
    }
    CHECK(succeeded == 1);
    CHECK(refused == 19);
    CHECK(s.status_of_order(order_id, s.admin)["status"] == "succeeded");
}

TEST_CASE("a bank transfer is pending with a reference until a signed webhook confirms it; an admin may confirm one too") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto opened = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", {{"order_id", order_id}, {"method", "bank_transfer"}}, s.ann);
    REQUIRE(opened.status == 201);
    const json transfer = opened.json();
    CHECK(transfer["status"] == "pending");
    CHECK(transfer["method"] == "bank_transfer");
    const auto reference = transfer["reference"].get<std::string>();
    CHECK(reference.starts_with("MRC-"));
    check_problem(s.pay(order_id), 409);  // a transfer is under way: a card would pay twice
    CHECK(s.order_status(order_id) == "pending");

    const auto received = s.webhook(PaymentsShop::event("evt_transfer_1", "payment.succeeded", {{"reference", reference}, {"amount", 2500}}));
    REQUIRE(received.status == 200);
    CHECK(received.json()["duplicate"] == false);
    CHECK(s.status_of_order(order_id, s.ann)["status"] == "succeeded");
    CHECK(eventually([&] { return s.order_status(order_id) == "processing"; }));

    const auto second = s.order()["id"].get<std::string>();
    const auto by_hand = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", {{"order_id", second}, {"method", "bank_transfer"}}, s.ann);
    const auto payment_id = by_hand.json()["id"].get<std::string>();
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/confirm", {{"payment_id", payment_id}}, s.ann), 403);
    const auto confirmed = PaymentsShop::send(s.c, "POST", "/v1/payment/confirm", {{"payment_id", payment_id}}, s.admin);
    REQUIRE(confirmed.status == 200);
    CHECK(confirmed.json()["status"] == "succeeded");
    CHECK(eventually([&] { return s.order_status(second) == "processing"; }));
}

TEST_CASE("a webhook signed 301 s ago, with a flipped byte, with an unknown secret or without the header is 401 and changes nothing") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto opened = PaymentsShop::send(s.c, "POST", "/v1/payment/checkout", {{"order_id", order_id}, {"method", "bank_transfer"}}, s.ann);
    const auto reference = opened.json()["reference"].get<std::string>();
    const json confirm = PaymentsShop::event("evt_1", "payment.succeeded", {{"reference", reference}});
    check_problem(s.webhook(confirm, unix_now() - 301), 401);
    check_problem(s.webhook(confirm, unix_now(), "whsec-someone-elses-secret"), 401);
    std::string body = confirm.dump();
    const auto signature = mercato::kernel::sign_webhook(body, mercato::test::shop_webhook_secret, unix_now());
    body[body.size() / 2] ^= 0x01;
    check_problem(s.c.send("POST", "/v1/payment/webhooks/sandbox", body, {{"Mercato-Signature", signature}}), 401);
    check_problem(s.c.send("POST", "/v1/payment/webhooks/sandbox", confirm.dump(), {}), 401);
    check_problem(s.c.send("POST", "/v1/payment/webhooks/acquirer", confirm.dump(), {}), 404);
    CHECK(s.status_of_order(order_id, s.ann)["status"] == "pending");

    // While a secret is rotated the provider signs with both; either one this server trusts will do.
    const std::string text = confirm.dump();
    const auto t = unix_now();
    const auto old_signature = mercato::kernel::sign_webhook(text, "whsec-retired-secret-000", t);
    const auto new_signature = mercato::kernel::sign_webhook(text, mercato::test::shop_webhook_secret, t);
    const auto rotated = old_signature + "," + new_signature.substr(new_signature.find("v1="));
    CHECK(s.c.send("POST", "/v1/payment/webhooks/sandbox", text, {{"Mercato-Signature", rotated}}).status == 200);
    CHECK(s.status_of_order(order_id, s.ann)["status"] == "succeeded");
}

TEST_CASE("a webhook delivered ten times has one effect, and a late older dispute event does not undo a decided one") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto paid = s.pay(order_id, "4000000000000259");
    REQUIRE(paid.status == 201);
    const auto payment_id = paid.json()["id"].get<std::string>();
    const auto t = unix_now();
    const json opened = PaymentsShop::event("evt_dispute_open", "dispute.created",
                                            {{"dispute_id", "dp_1"}, {"payment_id", payment_id}, {"status", "needs_response"},
                                             {"reason", "fraudulent"}},
                                            t - 60);
    int fresh = 0;
    for (int i = 0; i < 10; ++i) {
        const auto reply = s.webhook(opened);
        REQUIRE(reply.status == 200);
        fresh += reply.json()["duplicate"] == false;
    }
    CHECK(fresh == 1);
    check_problem(s.c.get("/v1/payment/disputes", s.ann), 403);
    auto listed = s.c.get("/v1/payment/disputes?payment_id=" + payment_id, s.admin).json();
    REQUIRE(listed["items"].size() == 1);
    CHECK(listed["items"][0]["status"] == "needs_response");
    CHECK(listed["items"][0]["reason"] == "fraudulent");
    CHECK(listed["items"][0]["amount"] == 2500);

    // Won at t, then an update made at t - 30 arrives late: the dispute stays won.
    REQUIRE(s.webhook(PaymentsShop::event("evt_dispute_won", "dispute.closed",
                                          {{"dispute_id", "dp_1"}, {"payment_id", payment_id}, {"status", "won"}}, t))
                .status == 200);
    REQUIRE(s.webhook(PaymentsShop::event("evt_dispute_review", "dispute.updated",
                                          {{"dispute_id", "dp_1"}, {"payment_id", payment_id}, {"status", "under_review"}}, t - 30))
                .status == 200);
    listed = s.c.get("/v1/payment/disputes", s.admin).json();
    REQUIRE(listed["items"].size() == 1);
    CHECK(listed["items"][0]["status"] == "won");
    check_problem(s.webhook(PaymentsShop::event("evt_bad", "dispute.created", {{"dispute_id", "dp_2"}, {"status", "maybe"}})), 422);
}

TEST_CASE("an admin refunds part, then the rest; more than is left is 409 and changes nothing") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto payment_id = s.pay(order_id).json()["id"].get<std::string>();
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/refund", {{"payment_id", payment_id}, {"amount", 100}}, s.ann), 403);
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/refund", {{"payment_id", payment_id}, {"amount", 0}}, s.admin), 422);
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/refund", {{"payment_id", "pay_missing"}}, s.admin), 404);

    const auto key = with(s.admin, "Idempotency-Key", "refund-1");
    const auto part = PaymentsShop::send(s.c, "POST", "/v1/payment/refund",
                                         {{"payment_id", payment_id}, {"amount", 1000}, {"reason", "scratched"}}, key);
    REQUIRE(part.status == 201);
    CHECK(part.json()["amount"] == 1000);
    CHECK(part.json()["status"] == "succeeded");
    CHECK(part.json()["payment_id"] == payment_id);
    const auto replay = PaymentsShop::send(s.c, "POST", "/v1/payment/refund",
                                           {{"payment_id", payment_id}, {"amount", 1000}, {"reason", "scratched"}}, key);
    CHECK(replay.status == 201);
    CHECK(replay.json()["id"] == part.json()["id"]);
    CHECK(replay.header("idempotent-replayed") == "true");
    json p = s.c.get("/v1/payment/status?payment_id=" + payment_id, s.admin).json();
    CHECK(p["status"] == "partially_refunded");
    CHECK(p["refunded_amount"] == 1000);

    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/refund", {{"payment_id", payment_id}, {"amount", 1501}}, s.admin), 409);
    CHECK(s.c.get("/v1/payment/status?payment_id=" + payment_id, s.admin).json()["refunded_amount"] == 1000);

    const auto rest = PaymentsShop::send(s.c, "POST", "/v1/payment/refund", {{"payment_id", payment_id}}, s.admin);
    REQUIRE(rest.status == 201);
    CHECK(rest.json()["amount"] == 1500);
    p = s.c.get("/v1/payment/status?payment_id=" + payment_id, s.admin).json();
    CHECK(p["status"] == "refunded");
    CHECK(p["refunded_amount"] == 2500);
    check_problem(PaymentsShop::send(s.c, "POST", "/v1/payment/refund", {{"payment_id", payment_id}, {"amount", 1}}, s.admin), 409);
}

TEST_CASE("an approved return is refunded by itself, once, for what came back") {
    PaymentsShop s;
    const auto order_id = s.order(2)["id"].get<std::string>();
    const auto product_id = s.c.get("/v1/orders/" + order_id, s.ann).json()["items"][0]["product_id"].get<std::string>();
    const auto payment_id = s.pay(order_id).json()["id"].get<std::string>();
    REQUIRE(eventually([&] { return s.order_status(order_id) == "processing"; }));
    for (const char* status : {"shipped", "delivered"}) {
        REQUIRE(PaymentsShop::send(s.c, "PUT", "/v1/orders/" + order_id + "/status", {{"status", status}}, s.admin).status == 200);
    }
    const auto requested = PaymentsShop::send(s.c, "POST", "/v1/orders/" + order_id + "/returns",
                                              {{"items", {{{"product_id", product_id}, {"quantity", 1}}}}, {"reason", "too big"}}, s.ann);
    REQUIRE(requested.status == 201);
    const auto return_id = requested.json()["id"].get<std::string>();
    REQUIRE(PaymentsShop::send(s.c, "PUT", "/v1/orders/" + order_id + "/returns/" + return_id, {{"status", "approved"}}, s.admin).status ==
            200);
    const auto refunded = [&] { return s.c.get("/v1/payment/status?payment_id=" + payment_id, s.ann).json(); };
    CHECK(eventually([&] { return refunded()["status"] == "partially_refunded"; }));
    CHECK(refunded()["refunded_amount"] == 1250);
}

TEST_CASE("an order cancelled after its card payment got through (the window closed mid-charge) is refunded in full by itself") {
    PaymentsShop s;
    const auto order_id = s.order()["id"].get<std::string>();
    const auto payment_id = s.pay(order_id).json()["id"].get<std::string>();
    // The orders module's word that the order was cancelled, as its sweeper would publish it had it
    // cancelled the order while the card was being charged.
    auto& app = s.app->app();
    app.database().module("orders").write([&](soci::session& session) {
        app.bus().publish(session, {"orders.status-changed", order_id,
                                    json{{"order_id", order_id}, {"user_id", "usr_ann"}, {"from", "pending"}, {"status", "cancelled"},
                                         {"at", "2026-12-01T00:00:00Z"}, {"reason", "payment window closed"}, {"total", 2500},
                                         {"currency", "EUR"}}
                                        .dump()});
    });
    const auto payment = [&] { return s.c.get("/v1/payment/status?payment_id=" + payment_id, s.admin).json(); };
    CHECK(eventually([&] { return payment()["status"] == "refunded"; }));
    CHECK(payment()["refunded_amount"] == 2500);
}
