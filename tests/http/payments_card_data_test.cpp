// Card data after real checkouts on a real `mercato serve`: the full number and the CVC reach
// neither its log (at debug level) nor any file of its database, WAL included.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace {

using nlohmann::json;
using mercato::test::HttpClient;
using mercato::test::HttpReply;

constexpr const char* password = "correct horse battery staple";

HttpReply send(HttpClient& c, const std::string& path, const json& body, const std::string& token = {}) {
    mercato::test::Headers headers{{"Content-Type", "application/json"}};
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return c.send("POST", path, body.dump(), headers);
}

std::string sign_in(HttpClient& c, const std::string& email) {
    const auto reply = send(c, "/v1/users/login", {{"email", email}, {"password", password}});
    REQUIRE(reply.status == 200);
    return reply.json()["access_token"].get<std::string>();
}

// Every byte of every file under dir, one after the other.
std::string all_bytes(const std::filesystem::path& dir) {
    std::string out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        out += bytes.str();
    }
    return out;
}

}  // namespace

TEST_CASE("after card checkouts, accepted, declined and invalid, no full card number or CVC is in the log or the database files") {
    mercato::test::TempDir dir;
    const std::string db = "sqlite:" + dir.str() + "/data";
    REQUIRE(mercato::test::run_mercato({"users", "create-admin", "--email", "admin@shop.example", "--password", password, "--db", db})
                .code == 0);
    mercato::test::ChildProcess server({"serve", "--port", "0", "--db", db}, {"MERCATO_LOG_LEVEL=debug"});
    const auto out = server.wait_for_output("listening on", std::chrono::seconds(10));
    REQUIRE(out);
    HttpClient c(mercato::test::listening_port(*out));
    const auto admin = sign_in(c, "admin@shop.example");
    REQUIRE(send(c, "/v1/users/register", {{"email", "ann@shop.example"}, {"password", password}, {"name", "Ann"}}).status == 201);
    const auto ann = sign_in(c, "ann@shop.example");
    const auto product = send(c, "/v1/products", {{"sku", "MUG"}, {"name", "Mug"}, {"price", 900}, {"currency", "EUR"}, {"stock", 10}}, admin);
    REQUIRE(product.status == 201);
    const auto order = [&] {
        const auto placed = send(c, "/v1/orders",
                                 {{"items", {{{"product_id", product.json()["id"]}, {"quantity", 1}}}},
                                  {"shipping_address",
                                   {{"name", "Ann"}, {"line1", "1 Main St"}, {"city", "Berlin"}, {"postal_code", "10115"}, {"country", "DE"}}}},
                                 ann);
        REQUIRE(placed.status == 201);
        return placed.json()["id"].get<std::string>();
    };
    const auto pay = [&](const std::string& order_id, const std::string& number) {
        return send(c, "/v1/payment/checkout",
                    {{"order_id", order_id},
                     {"method", "card"},
                     {"card", {{"number", number}, {"exp_month", 11}, {"exp_year", 2031}, {"cvc", "8317"}}}},
                    ann);
    };
    const auto declined_order = order();
    CHECK(pay(declined_order, "4000000000000002").status == 402);
    CHECK(pay(declined_order, "4242424242424241").status == 422);  // fails the Luhn check
    const auto paid = pay(declined_order, "4242424242424242");
    REQUIRE(paid.status == 201);
    server.signal(SIGTERM);
    REQUIRE(server.wait(std::chrono::seconds(15)) == 0);

    const std::string log = server.output() + server.errors();
    const std::string stored = all_bytes(dir.path());
    // The search looks where the payment went: its id is in both.
    const auto payment_id = paid.json()["id"].get<std::string>();
    REQUIRE(stored.find(payment_id) != std::string::npos);
    REQUIRE(log.find("payment " + payment_id) != std::string::npos);
    // A CVC's few digits could turn up by chance in ids and pages, so it is looked for by its name.
    for (const std::string secret : {"4242424242424242", "4000000000000002", "4242424242424241", "cvc"}) {
        CAPTURE(secret);
        CHECK(log.find(secret) == std::string::npos);
        CHECK(stored.find(secret) == std::string::npos);
    }
}
