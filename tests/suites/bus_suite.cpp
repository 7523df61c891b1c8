// The event bus suite: outbox, consumer groups, retries, dead letters, retention and crash safety,
// run on SQLite (tests/storage) and on PostgreSQL (tests/pg). The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/bus/bus.hpp"
#include "kernel/bus/trace_context.hpp"
#include "kernel/database.hpp"
#include "kernel/metrics.hpp"
#include "kernel/problem.hpp"
#include "kernel/transaction_hooks.hpp"
#include "support/bus/bus_world.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using mercato::kernel::Database;
using mercato::kernel::MetricsRegistry;
using mercato::kernel::Problem;
using mercato::kernel::bus::Bus;
using mercato::kernel::bus::BusOptions;
using mercato::kernel::bus::Envelope;
using mercato::kernel::bus::GroupStatus;
using mercato::kernel::bus::LocalSubscription;
using mercato::kernel::bus::Subscription;
using namespace mercato::test;

// A fresh database with the bus's fixture modules, and a bus over it that is stopped before the database goes.
struct World {
    explicit World(BusOptions options = quick_bus_options())
        : t(suite_database()), db(open_bus_world(t->url())), bus(std::make_unique<Bus>(db, metrics, options)) {}

    // A durable receipts group that records every delivery unless fail() says to throw for it.
    void subscribe_receipts(std::function<bool(const Envelope&)> fail = {}) {
        bus->subscribe({receipts_group, "mailer", {order_placed}, [fail](const Envelope& e, soci::session& s) {
                            record_sent(s, e, "test");
                            if (fail && fail(e)) throw std::runtime_error("mail server refused " + e.key);
                        }});
    }

    static const GroupStatus& status_of(const std::vector<GroupStatus>& all, const std::string& group) {
        for (const auto& g : all) {
            if (g.group == group) return g;
        }
        FAIL("no status for group " << group);
        throw std::logic_error("unreachable");
    }

    std::unique_ptr<TestDatabase> t;
    std::shared_ptr<Database> db;
    MetricsRegistry metrics;
    std::unique_ptr<Bus> bus;
};

// Whether the group has handled everything in its logs, so no delivery of what is there can still come.
bool caught_up(Bus& bus, const std::string& group) {
    const auto all = bus.status();
    const auto& g = World::status_of(all, group);
    return g.lag == 0 && g.retrying == 0;
}

std::map<std::string, int> handled_per_event(Database& db) {
    std::map<std::string, int> count;
    for (const auto& row : sent_rows(db)) ++count[row.event_id];
    return count;
}

}  // namespace

TEST_CASE("an event published in a transaction that rolls back never exists; a committed one is delivered") {
    World w;
    w.subscribe_receipts();
    w.bus->start();
    CHECK_THROWS_AS(w.db->module("shop").write([&](soci::session& s) {
        s << "INSERT INTO shop.order_changes (order_id, note) VALUES ('ord_rolled_back', '')";
        w.bus->publish(s, {order_placed, "ord_rolled_back", R"({"order_id":"ord_rolled_back"})"});
        throw std::runtime_error("payment step failed");
    }), std::runtime_error);
    CHECK(outbox_rows(*w.db) == 0);

    const std::string id = place_order(*w.db, *w.bus, "ord_kept", "gift");
    REQUIRE(eventually([&] { return sent_rows(*w.db).size() == 1; }));
    // The group is past everything in its log: a late delivery of the rolled-back event would show now.
    REQUIRE(eventually([&] { return caught_up(*w.bus, receipts_group); }));
    const auto rows = sent_rows(*w.db);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].event_id == id);
    CHECK(rows[0].key == "ord_kept");
    CHECK(rows[0].offset == 1);
}

TEST_CASE("consumers receive the whole envelope, and a trace continues from the event being handled") {
    World w;
    std::mutex mutex;
    std::vector<Envelope> seen;
    w.bus->subscribe({receipts_group, "mailer", {order_placed}, [&](const Envelope& e, soci::session& s) {
                          record_sent(s, e, "test");
                          std::lock_guard lock(mutex);
                          seen.push_back(e);
                      }});
    w.bus->start();
    const std::string id = place_order(*w.db, *w.bus, "ord_1", "first");
    REQUIRE(eventually([&] { std::lock_guard lock(mutex); return seen.size() == 1; }));
    std::lock_guard lock(mutex);
    const Envelope& e = seen.front();
    CHECK(e.id == id);
    CHECK(e.id.rfind("evt_", 0) == 0);
    CHECK(e.topic == order_placed);
    CHECK(e.key == "ord_1");
    CHECK(e.offset == 1);
    CHECK(e.version == 1);
    CHECK(e.payload == R"({"order_id":"ord_1","note":"first"})");
    CHECK(e.occurred_at.size() == 24);  // 2026-12-01T10:00:00.000Z
    CHECK(e.occurred_at.back() == 'Z');
    REQUIRE(e.traceparent.size() == 55);
    mercato::kernel::bus::TraceScope scope(e.traceparent);
    const std::string child = mercato::kernel::bus::next_traceparent(mercato::kernel::bus::current_traceparent());
    CHECK(child.substr(0, 36) == e.traceparent.substr(0, 36));  // same trace id
    CHECK(child.substr(36, 16) != e.traceparent.substr(36, 16));  // a span of its own
}

TEST_CASE("publishing a malformed event is refused with 422 and writes nothing") {
    World w;
    auto publish = [&](mercato::kernel::bus::Event event) {
        try {
            w.db->module("shop").write([&](soci::session& s) { w.bus->publish(s, event); });
        } catch (const Problem& p) {
            return p.status();
        }
        return 0;
    };
    CHECK(publish({"payments.processed", "k", "{}"}) == 422);  // not a module of this process
    CHECK(publish({"Shop.Order", "k", "{}"}) == 422);
    CHECK(publish({order_placed, "", "{}"}) == 422);
    CHECK(publish({order_placed, std::string(256, 'k'), "{}"}) == 422);
    CHECK(publish({order_placed, "k", "[1,2]"}) == 422);
    CHECK(publish({order_placed, "k", "{not json"}) == 422);
    CHECK(outbox_rows(*w.db) == 0);
    CHECK(publish({order_placed, "k", "{}"}) == 0);
    CHECK(outbox_rows(*w.db) == 1);
}

TEST_CASE("subscriptions to unknown modules or topics, or a group named twice, are refused") {
    World w;
    auto handler = [](const Envelope&, soci::session&) {};
    CHECK_THROWS_AS(w.bus->subscribe({"g1", "payments", {order_placed}, handler}), std::invalid_argument);
    CHECK_THROWS_AS(w.bus->subscribe({"g2", "mailer", {"orders.created"}, handler}), std::invalid_argument);
    CHECK_THROWS_AS(w.bus->subscribe({"g3", "mailer", {}, handler}), std::invalid_argument);
    w.bus->subscribe({"g4", "mailer", {order_placed}, handler});
    CHECK_THROWS_AS(w.bus->subscribe({"g4", "mailer", {order_placed}, handler}), std::invalid_argument);
}

TEST_CASE("events of one key stay in order while a failure is retried, and other keys keep flowing") {
    BusOptions patient = quick_bus_options();
    patient.max_attempts = 1000;
    World w(patient);
    // ord_slow's first event fails until every other key has been handled: the test finishes only if
    // those keys flow past the failing one.
    std::atomic<int> fast_handled{0};
    std::atomic<int> slow_failures{0};
    w.bus->subscribe({receipts_group, "mailer", {order_placed}, [&](const Envelope& e, soci::session& s) {
                          if (e.key == "ord_slow" && fast_handled.load() < 5) {
                              ++slow_failures;
                              throw std::runtime_error("mail server refused ord_slow");
                          }
                          record_sent(s, e, "test");
                          if (e.key != "ord_slow") ++fast_handled;
                      }});
    w.bus->start();
    place_order(*w.db, *w.bus, "ord_slow", "1");
    REQUIRE(eventually([&] { return slow_failures.load() >= 1; }));
    place_order(*w.db, *w.bus, "ord_slow", "2");
    for (int i = 0; i < 5; ++i) place_order(*w.db, *w.bus, "ord_fast_" + std::to_string(i));
    place_order(*w.db, *w.bus, "ord_slow", "3");

    REQUIRE(eventually([&] { return sent_rows(*w.db).size() == 8; }));
    const auto rows = sent_rows(*w.db);
    std::vector<std::int64_t> slow_offsets;
    for (const auto& row : rows) {
        if (row.key == "ord_slow") slow_offsets.push_back(row.offset);
    }
    CHECK(slow_offsets == std::vector<std::int64_t>{1, 2, 8});  // the key's own order, after its retries
    for (std::size_t i = 0; i < 5; ++i) CHECK(rows[i].key != "ord_slow");
    CHECK(w.metrics.counter("mercato_bus_retried_total", "", {{"group", receipts_group}, {"topic", order_placed}}).value() ==
          static_cast<std::uint64_t>(slow_failures.load()));
}

TEST_CASE("a poison event is dead-lettered after the last try; later events, its key's included, still flow") {
    World w;
    w.subscribe_receipts([](const Envelope& e) { return e.payload.find("poison") != std::string::npos; });
    w.bus->start();
    place_order(*w.db, *w.bus, "ord_a", "poison");
    place_order(*w.db, *w.bus, "ord_b");
    place_order(*w.db, *w.bus, "ord_a", "after");

    REQUIRE(eventually([&] {
        auto st = w.bus->status();
        return w.status_of(st, receipts_group).dead_letters.size() == 1 && w.status_of(st, receipts_group).lag == 0;
    }));
    const auto rows = sent_rows(*w.db);
    REQUIRE(rows.size() == 2);  // the poison's own writes were rolled back with each failed try
    CHECK(rows[0].key == "ord_b");
    CHECK(rows[1].key == "ord_a");
    CHECK(rows[1].offset == 3);
    auto st = w.bus->status();
    const auto& group = w.status_of(st, receipts_group);
    const auto& letter = group.dead_letters.front();
    CHECK(letter.id.rfind("dlq_", 0) == 0);
    CHECK(letter.event.offset == 1);
    CHECK(letter.attempts == 4);
    CHECK(letter.error == "mail server refused ord_a");
    CHECK(letter.status == "dead");
    CHECK(group.sources.front().committed == 3);
    CHECK(group.sources.front().head == 3);
    CHECK(w.metrics.counter("mercato_bus_dead_lettered_total", "", {{"group", receipts_group}, {"topic", order_placed}}).value() == 1);
    CHECK(w.metrics.counter("mercato_bus_delivered_total", "", {{"group", receipts_group}, {"topic", order_placed}}).value() == 2);
    CHECK(w.metrics.counter("mercato_bus_published_total", "", {{"topic", order_placed}}).value() == 3);
    const std::string rendered = w.metrics.render();
    CHECK(rendered.find("mercato_bus_lag{group=\"mailer.receipts\"} 0") != std::string::npos);
}

TEST_CASE("replaying a dead letter delivers it again once; a second replay is 409 and an unknown id 404") {
    World w;
    std::atomic<bool> broken{true};
    w.subscribe_receipts([&](const Envelope&) { return broken.load(); });
    w.bus->start();
    place_order(*w.db, *w.bus, "ord_r");
    REQUIRE(eventually([&] { return w.status_of(w.bus->status(), receipts_group).dead_letters.size() == 1; }));
    const std::string id = w.status_of(w.bus->status(), receipts_group).dead_letters.front().id;

    try {
        w.bus->replay(id);
        FAIL("a replay that fails again must say so");
    } catch (const Problem& p) {
        CHECK(p.status() == 422);
    }
    CHECK(sent_rows(*w.db).empty());
    CHECK(w.status_of(w.bus->status(), receipts_group).dead_letters.front().attempts == 5);

    broken = false;
    const auto replayed = w.bus->replay(id);
    CHECK(replayed.status == "replayed");
    CHECK(sent_rows(*w.db).size() == 1);
    CHECK(w.status_of(w.bus->status(), receipts_group).dead_letters.empty());
    try {
        w.bus->replay(id);
        FAIL("a second replay must be refused");
    } catch (const Problem& p) {
        CHECK(p.status() == 409);
    }
    try {
        w.bus->replay("dlq_01JD7X0000000000000000000Z");
        FAIL("an unknown dead letter must be 404");
    } catch (const Problem& p) {
        CHECK(p.status() == 404);
    }
    CHECK(sent_rows(*w.db).size() == 1);
}

TEST_CASE("an event redelivered after a restart does not repeat its side effect") {
    // ord_a's first event keeps failing, so the group's committed offset stays behind it while the
    // events after it are handled: a restart re-reads all of them from the committed offset.
    auto t = suite_database();
    auto db = open_bus_world(t->url());
    MetricsRegistry metrics;
    BusOptions patient = quick_bus_options();
    patient.max_attempts = 1000;
    {
        Bus bus(db, metrics, patient);
        bus.subscribe({receipts_group, "mailer", {order_placed}, [](const Envelope& e, soci::session& s) {
                           if (e.key == "ord_a") throw std::runtime_error("not yet");
                           record_sent(s, e, "first run");
                       }});
        bus.start();
        place_order(*db, bus, "ord_a");
        for (int i = 0; i < 4; ++i) place_order(*db, bus, "ord_" + std::to_string(i));
        REQUIRE(eventually([&] { return sent_rows(*db).size() == 4; }));
        bus.stop();
    }
    Bus restarted(db, metrics, patient);
    std::atomic<int> deliveries{0};
    restarted.subscribe({receipts_group, "mailer", {order_placed}, [&](const Envelope& e, soci::session& s) {
                             ++deliveries;
                             record_sent(s, e, "second run");
                         }});
    restarted.start();
    REQUIRE(eventually([&] { return sent_rows(*db).size() >= 5; }));
    REQUIRE(eventually([&] { return caught_up(restarted, receipts_group); }));  // the re-read events have all come by
    restarted.stop();
    CHECK(deliveries.load() == 1);  // only ord_a, which had never been handled
    for (const auto& [event, times] : handled_per_event(*db)) CHECK_MESSAGE(times == 1, event);
    CHECK(sent_rows(*db).size() == 5);
}

TEST_CASE("a local group reads the log itself with no transaction, starting from zero when its state is empty") {
    World w;
    place_order(*w.db, *w.bus, "ord_before_start_1");
    place_order(*w.db, *w.bus, "ord_before_start_2");
    std::mutex mutex;
    std::vector<std::string> index;
    w.bus->subscribe_local(LocalSubscription{"search.index", {order_placed}, [&](const Envelope& e) {
                                                 std::lock_guard lock(mutex);
                                                 index.push_back(e.key);
                                             },
                                             [&](const std::string&) {
                                                 std::lock_guard lock(mutex);
                                                 return static_cast<std::int64_t>(index.size());
                                             }});
    w.bus->start();
    place_order(*w.db, *w.bus, "ord_after_start");
    REQUIRE(eventually([&] { std::lock_guard lock(mutex); return index.size() == 3; }));
    std::lock_guard lock(mutex);
    CHECK(index == std::vector<std::string>{"ord_before_start_1", "ord_before_start_2", "ord_after_start"});
    auto st = w.bus->status();
    const auto& group = w.status_of(st, "search.index");
    CHECK(group.local);
    CHECK(group.module.empty());
}

TEST_CASE("retention removes only log rows every group has passed, and offsets keep counting after it") {
    BusOptions options = quick_bus_options();
    options.retention = std::chrono::seconds(0);
    options.max_attempts = 1000;
    World w(options);
    std::atomic<bool> archive_blocked{true};
    w.subscribe_receipts();
    w.bus->subscribe({"mailer.archive", "mailer", {order_placed}, [&](const Envelope& e, soci::session&) {
                          if (archive_blocked && e.key == "ord_3") throw std::runtime_error("archive offline");
                      }});
    w.bus->start();
    for (int i = 1; i <= 5; ++i) place_order(*w.db, *w.bus, "ord_" + std::to_string(i));
    REQUIRE(eventually([&] { return sent_rows(*w.db).size() == 5; }));
    REQUIRE(eventually([&] { return w.status_of(w.bus->status(), "mailer.archive").sources.front().committed == 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the cutoff is now, to the millisecond
    CHECK(w.bus->pruned_through("shop") == 0);
    CHECK(w.bus->prune() == 2);  // the archive still needs offset 3 onwards
    CHECK(outbox_rows(*w.db) == 3);
    CHECK(w.bus->pruned_through("shop") == 2);
    archive_blocked = false;
    REQUIRE(eventually([&] { return w.status_of(w.bus->status(), "mailer.archive").lag == 0; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(w.bus->prune() == 3);
    CHECK(outbox_rows(*w.db) == 0);
    CHECK(w.bus->pruned_through("shop") == 5);  // an emptied log has lost everything up to its head
    place_order(*w.db, *w.bus, "ord_6");
    REQUIRE(eventually([&] { return sent_rows(*w.db).size() == 6; }));
    CHECK(sent_rows(*w.db).back().offset == 6);
}

TEST_CASE("concurrent publishers lose nothing and each event is handled once, in offset order per key") {
    World w;
    w.subscribe_receipts();
    w.bus->start();
    std::vector<std::thread> publishers;
    for (int p = 0; p < 4; ++p) {
        publishers.emplace_back([&, p] {
            for (int i = 0; i < 50; ++i) place_order(*w.db, *w.bus, fmt::format("ord_{}_{}", p, i));
        });
    }
    for (auto& t : publishers) t.join();
    REQUIRE(eventually([&] { return sent_rows(*w.db).size() >= 200; }));
    REQUIRE(eventually([&] { return caught_up(*w.bus, receipts_group); }));  // a second delivery would show now
    const auto rows = sent_rows(*w.db);
    CHECK(rows.size() == 200);
    std::set<std::int64_t> offsets;
    for (const auto& r : rows) offsets.insert(r.offset);
    CHECK(offsets.size() == 200);
    CHECK(*offsets.begin() == 1);
    CHECK(*offsets.rbegin() == 200);
    for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1].offset < rows[i].offset);
}

TEST_CASE("an event committed just before its publisher is killed with SIGKILL is delivered after a restart") {
    auto t = suite_database();
    open_bus_world(t->url());
    {
        ChildProcess publisher(MERCATO_BUS_PROBE, {"publish", t->url(), "3"});
        REQUIRE(publisher.wait_for_output("committed 3", std::chrono::seconds(20)));
        publisher.signal(SIGKILL);
        CHECK(publisher.wait(std::chrono::seconds(5)) == 128 + SIGKILL);
    }
    auto db = open_bus_world(t->url());
    CHECK(sent_rows(*db).empty());
    MetricsRegistry metrics;
    Bus bus(db, metrics, quick_bus_options());
    bus.subscribe({receipts_group, "mailer", {order_placed}, [](const Envelope& e, soci::session& s) { record_sent(s, e, "restarted"); }});
    bus.start();
    REQUIRE(eventually([&] { return sent_rows(*db).size() == 3; }));
    const auto rows = sent_rows(*db);
    CHECK(rows[0].key == "ord_probe_0");
    CHECK(rows[2].key == "ord_probe_2");
}

TEST_CASE("a transaction's events are written together at commit, in order, many to a statement") {
    World w;
    w.subscribe_receipts();
    w.bus->start();
    std::vector<std::string> ids;
    w.db->module("shop").write([&](soci::session& s) {
        for (int i = 0; i < 250; ++i) {
            ids.push_back(w.bus->publish(s, {order_placed, fmt::format("ord_{:03}", i), R"({"bulk":true})"}));
        }
    });
    REQUIRE(eventually([&] { return sent_rows(*w.db).size() == 250; }));
    const auto rows = sent_rows(*w.db);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(rows[i].offset == static_cast<std::int64_t>(i + 1));
        CHECK(rows[i].event_id == ids[i]);
    }
    CHECK(w.metrics.counter("mercato_bus_published_total", "", {{"topic", order_placed}}).value() == 250);
}

TEST_CASE("events published inside a savepoint that rolls back are dropped, those around it kept") {
    World w;
    w.db->module("shop").write([&](soci::session& s) {
        w.bus->publish(s, {order_placed, "ord_before", "{}"});
        {
            mercato::kernel::Savepoint attempt(s, "coupon");
            w.bus->publish(s, {order_placed, "ord_inside", "{}"});
        }  // not released: rolled back
        {
            mercato::kernel::Savepoint kept(s, "address");
            w.bus->publish(s, {order_placed, "ord_released", "{}"});
            kept.release();
        }
        w.bus->publish(s, {order_placed, "ord_after", "{}"});
    });
    std::vector<std::string> keys;
    w.db->module("shop").read([&](soci::session& s) {
        soci::rowset<std::string> rows = (s.prepare << "SELECT event_key FROM shop.outbox ORDER BY id");
        keys.assign(rows.begin(), rows.end());
    });
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"ord_after", "ord_before", "ord_released"});
    CHECK(w.metrics.counter("mercato_bus_published_total", "", {{"topic", order_placed}}).value() == 3);
}

TEST_CASE("events a handler publishes commit with its delivery, and vanish with a failed try") {
    World w;
    std::atomic<int> failures_left{1};
    w.bus->subscribe({receipts_group, "mailer", {order_placed}, [&](const Envelope& e, soci::session& s) {
                          record_sent(s, e, "test");
                          w.bus->publish(s, {"mailer.receipt-sent", e.key, R"({"for":")" + e.id + R"("})"});
                          if (e.key == "ord_flaky" && failures_left.fetch_sub(1) > 0) throw std::runtime_error("smtp timeout");
                      }});
    std::mutex mutex;
    std::vector<std::string> receipts;
    w.bus->subscribe({"mailer.audit", "mailer", {"mailer.receipt-sent"}, [&](const Envelope& e, soci::session&) {
                          std::lock_guard lock(mutex);
                          receipts.push_back(e.key);
                      }});
    w.bus->start();
    place_order(*w.db, *w.bus, "ord_steady");
    place_order(*w.db, *w.bus, "ord_flaky");
    REQUIRE(eventually([&] { std::lock_guard lock(mutex); return receipts.size() >= 2; }));
    // Both groups past everything in their logs: a receipt of the failed try would have been delivered by now.
    REQUIRE(eventually([&] { return caught_up(*w.bus, receipts_group) && caught_up(*w.bus, "mailer.audit"); }));
    std::lock_guard lock(mutex);
    std::sort(receipts.begin(), receipts.end());
    CHECK(receipts == std::vector<std::string>{"ord_flaky", "ord_steady"});  // the failed try's receipt never existed
    CHECK(sent_rows(*w.db).size() == 2);
}

TEST_CASE("an event can be published only inside a write of the module whose log holds it") {
    World w;
    CHECK_THROWS_AS(w.db->module("mailer").write([&](soci::session& s) { w.bus->publish(s, {order_placed, "k", "{}"}); }),
                    std::logic_error);
    CHECK_THROWS_AS(w.db->module("shop").read([&](soci::session& s) { w.bus->publish(s, {order_placed, "k", "{}"}); }),
                    std::logic_error);
    CHECK(outbox_rows(*w.db) == 0);
}

TEST_CASE("a handler that swallows an SQL error does not stall its group or take other events down with it") {
    World w;
    w.bus->subscribe({receipts_group, "mailer", {order_placed}, [](const Envelope& e, soci::session& s) {
                          if (e.key != "ord_careless") {
                              record_sent(s, e, "test");
                              return;
                          }
                          try {
                              s << "INSERT INTO mailer.no_such_table (id) VALUES (1)";
                          } catch (const std::exception&) {
                              // swallowed: on PostgreSQL the transaction is aborted all the same
                          }
                      }});
    w.bus->start();
    place_order(*w.db, *w.bus, "ord_before");
    place_order(*w.db, *w.bus, "ord_careless");
    place_order(*w.db, *w.bus, "ord_after");
    const bool postgres = w.db->backend() == mercato::kernel::Backend::postgresql;
    REQUIRE(eventually([&] {
        const auto group = w.status_of(w.bus->status(), receipts_group);
        return sent_rows(*w.db).size() == 2 && group.lag == 0 && group.dead_letters.size() == (postgres ? 1u : 0u);
    }));
    const auto rows = sent_rows(*w.db);
    CHECK(rows[0].key == "ord_before");
    CHECK(rows[1].key == "ord_after");
    if (postgres) {
        // Its transaction could not commit: the event was tried again, then dead-lettered with the reason.
        const auto letter = w.status_of(w.bus->status(), receipts_group).dead_letters.front();
        CHECK(letter.event.key == "ord_careless");
        CHECK(letter.error.find("aborted") != std::string::npos);
    }
}

TEST_CASE("a group's lag counts every committed event it has not handled, numbered or not yet") {
    World w;
    w.subscribe_receipts();  // not started: nothing is delivered, and on PostgreSQL nothing is numbered
    for (int i = 0; i < 3; ++i) place_order(*w.db, *w.bus, "ord_" + std::to_string(i));
    const auto group = w.status_of(w.bus->status(), receipts_group);
    CHECK(group.lag == 3);
    CHECK(group.sources.front().committed == 0);
    w.bus->start();
    REQUIRE(eventually([&] { return w.status_of(w.bus->status(), receipts_group).lag == 0; }));
    CHECK(sent_rows(*w.db).size() == 3);
}
