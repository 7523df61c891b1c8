// Two server copies on one PostgreSQL: one drives a consumer group at a time, each event is handled
// once, and when the driving copy dies the other takes the group over where it stood.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <set>
#include <thread>

#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/metrics.hpp"
#include "support/bus/bus_world.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/test_database.hpp"

using namespace mercato::test;

namespace {

void publish_orders(mercato::kernel::Database& db, mercato::kernel::bus::Bus& bus, const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) place_order(db, bus, prefix + std::to_string(i));
}

// A fresh database with a copy that publishes and drives no group: its announcements wake the consuming copies.
struct PublishingCopy {
    PublishingCopy() : t(fresh_postgres()), db(open_bus_world(t->url())), publisher(db, metrics, quick_bus_options()) {
        publisher.start();
    }
    std::unique_ptr<TestDatabase> t;
    std::shared_ptr<mercato::kernel::Database> db;
    mercato::kernel::MetricsRegistry metrics;
    mercato::kernel::bus::Bus publisher;
};

// Two consumer processes on the test's database, started and ready to drive mailer.receipts.
std::map<std::string, std::unique_ptr<ChildProcess>> start_consumers(const TestDatabase& t) {
    std::map<std::string, std::unique_ptr<ChildProcess>> copies;
    for (const char* name : {"copy_a", "copy_b"}) {
        copies[name] = std::make_unique<ChildProcess>(MERCATO_BUS_PROBE, std::vector<std::string>{"consume", t.url(), name});
    }
    for (auto& [name, copy] : copies) REQUIRE_MESSAGE(copy->wait_for_output("ready", std::chrono::seconds(20)), name);
    return copies;
}

std::map<std::string, int> handled_per_event(mercato::kernel::Database& db) {
    std::map<std::string, int> count;
    for (const auto& row : sent_rows(db)) ++count[row.event_id];
    return count;
}

}  // namespace

TEST_CASE("two copies on one PostgreSQL handle each event once per group, and the survivor takes over a killed driver") {
    PublishingCopy world;
    auto& db = world.db;
    auto& publisher = world.publisher;
    auto copies = start_consumers(*world.t);

    publish_orders(*db, publisher, "ord_first_", 150);
    REQUIRE(eventually([&] { return sent_rows(*db).size() >= 150; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a second copy handling them too would show by now
    auto rows = sent_rows(*db);
    CHECK(rows.size() == 150);
    std::set<std::string> drivers;
    for (const auto& r : rows) drivers.insert(r.copy);
    REQUIRE(drivers.size() == 1);
    const std::string driver = *drivers.begin();
    const std::string survivor = driver == "copy_a" ? "copy_b" : "copy_a";

    copies[driver]->signal(SIGKILL);
    CHECK(copies[driver]->wait(std::chrono::seconds(5)) == 128 + SIGKILL);
    publish_orders(*db, publisher, "ord_second_", 100);
    REQUIRE(eventually([&] { return sent_rows(*db).size() >= 250; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    rows = sent_rows(*db);
    CHECK(rows.size() == 250);
    for (const auto& [event, times] : handled_per_event(*db)) CHECK_MESSAGE(times == 1, event);
    for (const auto& r : rows) {
        if (r.key.rfind("ord_second_", 0) == 0) CHECK(r.copy == survivor);
    }

    copies[survivor]->signal(SIGTERM);
    CHECK(copies[survivor]->wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("a copy that publishes wakes the copy driving the group through NOTIFY, long before its next poll") {
    auto t = fresh_postgres();
    auto db = open_bus_world(t->url());
    ChildProcess consumer(MERCATO_BUS_PROBE, {"consume", t->url(), "copy_slow_poll", "60000"});
    REQUIRE(consumer.wait_for_output("ready", std::chrono::seconds(20)));
    mercato::kernel::MetricsRegistry metrics;
    mercato::kernel::bus::Bus publisher(db, metrics, quick_bus_options());
    publisher.start();
    place_order(*db, publisher, "ord_warmup");  // the consumer may still be taking its group lock
    REQUIRE(eventually([&] { return sent_rows(*db).size() == 1; }, std::chrono::seconds(30)));

    const auto before = std::chrono::steady_clock::now();
    place_order(*db, publisher, "ord_noticed");
    REQUIRE(eventually([&] { return sent_rows(*db).size() == 2; }, std::chrono::seconds(30)));
    // The consumer's next poll is about 60 s away: 20 s tells NOTIFY from it with room for a loaded machine.
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(20));
    publisher.stop();
    consumer.signal(SIGTERM);
    CHECK(consumer.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("the driving copy killed in the middle of a stream of events: every event is still handled exactly once") {
    PublishingCopy world;
    auto& db = world.db;
    auto& publisher = world.publisher;
    auto copies = start_consumers(*world.t);

    // Orders keep coming, one at a time, while the copy handling them is killed.
    std::atomic<int> published{0};
    std::thread stream([&] {
        for (int i = 0; i < 400; ++i) {
            place_order(*db, publisher, "ord_stream_" + std::to_string(i));
            ++published;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    REQUIRE(eventually([&] { return sent_rows(*db).size() >= 50; }));
    const std::string driver = sent_rows(*db).front().copy;
    const std::string survivor = driver == "copy_a" ? "copy_b" : "copy_a";
    copies[driver]->signal(SIGKILL);
    CHECK(copies[driver]->wait(std::chrono::seconds(5)) == 128 + SIGKILL);
    stream.join();

    REQUIRE(eventually([&] { return sent_rows(*db).size() >= 400; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto rows = sent_rows(*db);
    CHECK(rows.size() == 400);
    for (const auto& [event, times] : handled_per_event(*db)) CHECK_MESSAGE(times == 1, event);
    std::set<std::string> keys;
    for (const auto& r : rows) keys.insert(r.key);
    CHECK(keys.size() == 400);
    CHECK(std::count_if(rows.begin(), rows.end(), [&](const SentRow& r) { return r.copy == survivor; }) > 0);
    copies[survivor]->signal(SIGTERM);
    CHECK(copies[survivor]->wait(std::chrono::seconds(10)) == 0);
}
