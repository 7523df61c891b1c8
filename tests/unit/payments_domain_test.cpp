// The payments module's rules without a database: card checks before a provider sees a card, and
// the Mercato-Signature scheme of webhooks.
#include <doctest/doctest.h>

#include "kernel/problem.hpp"
#include "modules/payments/domain/card.hpp"
#include "kernel/webhook_signature.hpp"

using mercato::kernel::Problem;
using mercato::payments::Card;
using namespace std::chrono_literals;

namespace {

int status_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const Problem& p) {
        return p.status();
    }
    return 0;
}

std::vector<std::string> fields(const std::vector<mercato::kernel::FieldError>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.field);
    return out;
}

}  // namespace

TEST_CASE("the Luhn check accepts the test cards and refuses a changed digit") {
    for (const char* valid : {"4242424242424242", "4000000000000002", "4000000000009995", "4000000000000259", "5555555555554444",
                              "378282246310005", "6011111111111117"}) {
        CAPTURE(valid);
        CHECK(mercato::payments::luhn_valid(valid));
    }
    CHECK_FALSE(mercato::payments::luhn_valid("4242424242424241"));
    CHECK_FALSE(mercato::payments::luhn_valid("4000000000000003"));
    CHECK_FALSE(mercato::payments::luhn_valid(""));
}

TEST_CASE("a card's brand comes from its prefix") {
    CHECK(mercato::payments::card_brand("4242424242424242") == "visa");
    CHECK(mercato::payments::card_brand("5555555555554444") == "mastercard");
    CHECK(mercato::payments::card_brand("2223003122003222") == "mastercard");
    CHECK(mercato::payments::card_brand("378282246310005") == "amex");
    CHECK(mercato::payments::card_brand("6011111111111117") == "discover");
    CHECK(mercato::payments::card_brand("3566002020360505") == "card");
}

TEST_CASE("card problems name every bad field: digits, Luhn, month, year, expiry, CVC") {
    CHECK(mercato::payments::card_problems({"4242424242424242", 12, 2030, "123"}, 2026, 12).empty());
    CHECK(mercato::payments::card_problems({"4242424242424242", 12, 2026, "1234"}, 2026, 12).empty());  // valid through its month
    CHECK(fields(mercato::payments::card_problems({"4242424242424242", 11, 2026, "123"}, 2026, 12)) ==
          std::vector<std::string>{"card.exp_year"});
    CHECK(fields(mercato::payments::card_problems({"4242-4242", 13, 99, "12a"}, 2026, 12)) ==
          std::vector<std::string>{"card.number", "card.exp_month", "card.exp_year", "card.cvc"});
    const auto luhn = mercato::payments::card_problems({"4242424242424241", 1, 2030, "123"}, 2026, 12);
    REQUIRE(luhn.size() == 1);
    CHECK(luhn[0].message.find("4242") == std::string::npos);  // the number is never echoed
}

TEST_CASE("a webhook signature holds for its body, time and a trusted secret, and for nothing else") {
    const std::vector<std::string> secrets{"whsec-current-0123456789"};
    const std::string body = R"({"id":"evt_1"})";
    const std::int64_t t = 1'800'000'000;
    const auto header = mercato::kernel::sign_webhook(body, secrets[0], t);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(header, body, secrets, t + 300, 300s); }) == 0);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(header, body, secrets, t + 301, 300s); }) == 401);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(header, body, secrets, t - 301, 300s); }) == 401);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(header, R"({"id":"evt_2"})", secrets, t, 300s); }) == 401);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(header, body, {"whsec-other-0123456789"}, t, 300s); }) == 401);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(header, body, {}, t, 300s); }) == 401);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature("", body, secrets, t, 300s); }) == 401);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature("t=abc,v1=00", body, secrets, t, 300s); }) == 401);
    // Found by fuzz_webhook_signature: the distance to a timestamp at the int64 limits overflowed.
    const std::string any_v1 = ",v1=" + std::string(64, '0');
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature("t=-9223372036854775808" + any_v1, body, secrets, t, 300s); }) == 401);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature("t=9223372036854775807" + any_v1, body, secrets, -t, 300s); }) == 401);
    // Rotation: the old secret's signature first, the new one's second; a server with either trusts it.
    const auto both = mercato::kernel::sign_webhook(body, "whsec-retired-0123456789", t) + "," +
                      header.substr(header.find("v1="));
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(both, body, secrets, t, 300s); }) == 0);
    CHECK(status_of([&] { mercato::kernel::verify_webhook_signature(both, body, {"whsec-retired-0123456789"}, t, 300s); }) == 0);
}
