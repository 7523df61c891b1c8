// A PostgreSQL outage under load: the database server is stopped abruptly (pg_ctl stop -m immediate)
// while customers order and pay, and started again. Mercato stays up, /readyz reports the outage while
// it lasts, the server reconnects by itself, and nothing it acknowledged is lost.
#include <thread>

#include <doctest/doctest.h>

#include "e2e/order_stream.hpp"
#include "e2e/shop_audit.hpp"
#include "support/eventually.hpp"
#include "support/postgres_cluster.hpp"
#include "support/served_shop.hpp"
#include "support/shop_server.hpp"

namespace {

using namespace mercato::test;

int readyz(ServedShop& shop) {
    try {
        auto c = shop.client();
        return c.get("/readyz").status;
    } catch (const std::exception&) {
        return 0;  // not answering at all
    }
}

}  // namespace

TEST_CASE("PostgreSQL stopped under load: readyz is 503 during the outage, the server reconnects by itself, nothing acknowledged is lost") {
    PostgresCluster pg;
    ServedShop shop(pg.url());
    shop.start();
    const pid_t server = shop.pid();
    auto c = shop.client();
    const auto product = expect_json(ShopServer::send(c, "POST", "/v1/products",
                                                      {{"sku", "OUTAGE"}, {"name", "Outage umbrella"}, {"price", 2500},
                                                       {"currency", "EUR"}, {"stock", 5000}},
                                                      shop.admin),
                                     201)["id"]
                             .get<std::string>();
    std::vector<Headers> people{shop.customer("rain@example.com"), shop.customer("storm@example.com")};

    OrderStream stream(shop, people, {product});
    REQUIRE(eventually([&] { return stream.acknowledged() >= 20; }));

    pg.stop_immediately();
    const auto outage_began = stream.acknowledged();
    REQUIRE(eventually([&] { return readyz(shop) == 503; }, std::chrono::seconds(10)));
    // While the database is down the process answers: readiness says no, liveness yes.
    for (int i = 0; i < 10; ++i) {
        CHECK(readyz(shop) == 503);
        CHECK(shop.client().get("/healthz").status == 200);
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    const auto unreachable = shop.client().get("/readyz");
    CHECK(unreachable.header("content-type") == "application/problem+json");

    pg.start();
    REQUIRE(eventually([&] { return readyz(shop) == 200; }, std::chrono::seconds(30)));
    CHECK(shop.pid() == server);  // the same process: no restart was needed
    REQUIRE(eventually([&] { return stream.acknowledged() >= outage_began + 20; }, std::chrono::seconds(30)));
    stream.stop();

    const Ledger ledger = stream.ledger();
    MESSAGE(ledger.orders.size() << " orders acknowledged, " << ledger.failed_requests << " requests refused during the outage");
    for (const auto& u : ledger.unexpected) CHECK_MESSAGE(false, u);
    ShopAudit audit(pg.url());
    std::vector<std::string> broken;
    eventually([&] { return (broken = audit.broken_promises(ledger, {{product, 5000}}, people.size())).empty(); }, std::chrono::seconds(60));
    for (const auto& b : broken) CHECK_MESSAGE(false, b);
    shop.stop();
}
