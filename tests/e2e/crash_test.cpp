// Crash safety: a real server is killed with SIGKILL at random moments while customers order and pay,
// and started again on the same data each time. Afterwards nothing acknowledged is lost, nothing is sold
// twice, stock adds up, every event took effect once in every module, and (SQLite) every file is intact.
#include <csignal>
#include <random>
#include <thread>

#include <doctest/doctest.h>

#include "e2e/order_stream.hpp"
#include "e2e/shop_audit.hpp"
#include "support/eventually.hpp"
#include "support/served_shop.hpp"
#include "support/shop_server.hpp"
#include "support/test_database.hpp"

namespace {

using namespace mercato::test;

constexpr int kills = 12;
constexpr std::size_t customers = 4;
constexpr std::int64_t initial_stock = 5000;  // more than 12 rounds sell: a sold-out shop would stop writing

void crash_again_and_again(ServedShop& shop) {
    shop.start();
    auto c = shop.client();
    std::map<std::string, std::int64_t> stock;
    std::vector<std::string> products;
    for (int i = 0; i < 4; ++i) {
        const auto made = ShopServer::send(c, "POST", "/v1/products",
                                           {{"sku", "CRASH-" + std::to_string(i)}, {"name", "Crash test dummy " + std::to_string(i)},
                                            {"price", 1000 + i}, {"currency", "EUR"}, {"stock", initial_stock}},
                                           shop.admin);
        products.push_back(expect_json(made, 201)["id"].get<std::string>());
        stock[products.back()] = initial_stock;
    }
    std::vector<Headers> people;
    for (std::size_t i = 0; i < customers; ++i) people.push_back(shop.customer("crash" + std::to_string(i) + "@example.com"));

    OrderStream stream(shop, people, products);
    std::mt19937 random(20261202);
    for (int k = 0; k < kills; ++k) {
        // Each kill falls into a running stream: after an order of this life of the server was acknowledged.
        const auto before = stream.acknowledged();
        REQUIRE(eventually([&] { return stream.acknowledged() > before; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(200 + random() % 1000));
        shop.kill();
        INFO("kill " << k << ": orders acknowledged so far " << stream.acknowledged());
        shop.start();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    stream.stop();
    const Ledger ledger = stream.ledger();
    MESSAGE(ledger.orders.size() << " orders and " << ledger.paid_orders.size() << " payments acknowledged, " << ledger.declined
                                 << " declined, " << ledger.failed_requests << " requests cut off by " << kills << " kills");
    for (const auto& u : ledger.unexpected) CHECK_MESSAGE(false, u);
    REQUIRE(ledger.paid_orders.size() > 0);

    ShopAudit audit(shop.db_url());
    std::vector<std::string> broken;
    // The consumers catch up after the last restart; until then some effects are still on their way.
    eventually([&] { return (broken = audit.broken_promises(ledger, stock, customers * kills)).empty(); }, std::chrono::seconds(60));
    for (const auto& b : broken) CHECK_MESSAGE(false, b);
    MESSAGE(audit.orphan_reservations() << " reservations held for orders a kill cut off");
    shop.stop();
}

}  // namespace

TEST_CASE("SQLite: killed 12 times under orders and payments, the shop loses nothing and its files stay intact") {
    TempDir data;
    ServedShop shop("sqlite:" + data.str());
    crash_again_and_again(shop);
    const auto damaged = damaged_sqlite_files(data.path());
    for (const auto& d : damaged) CHECK_MESSAGE(false, d);
}

TEST_CASE("PostgreSQL: killed 12 times under orders and payments, the shop loses nothing") {
    auto db = fresh_postgres();
    ServedShop shop(db->url());
    crash_again_and_again(shop);
}
