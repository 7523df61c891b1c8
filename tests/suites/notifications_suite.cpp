// The notifications dispatcher through the module's facade, on SQLite (tests/module) and PostgreSQL
// (tests/pg): a batch of due messages leased, sent and recorded in two commits, messages one server
// copy holds left to it until its lease runs out, and a batch too slow to send handed back. The tier
// that links it defines suite_database() for its backend.

#include <doctest/doctest.h>

#include <atomic>
#include <functional>

#include <soci/soci.h>

#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/metrics.hpp"
#include "modules/notifications/api/notifications.hpp"
#include "modules/notifications/channels/channel.hpp"
#include "modules/users/api/users.hpp"
#include "support/module_database.hpp"
#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using mercato::notifications::Notifications;
using Clock = std::chrono::system_clock;

// The sms channel of one server copy: the ids of what it sent, in order, and what the test does at each send.
struct RecordingChannel : mercato::notifications::Channel {
    std::string name() const override { return "sms"; }
    void send(const mercato::notifications::Message& message) override {
        sent.push_back(message.id);
        if (on_send) on_send();
    }
    std::vector<std::string> sent;
    std::function<void()> on_send;
};

// A server copy's notifications module, with its channel.
struct Copy {
    std::unique_ptr<Notifications> notifications;
    RecordingChannel* channel;
};

// Stands for the process dying mid-batch: no channel failure, which the dispatcher would record.
struct Crash {};

// The users and notifications modules on a fresh database, with a clock the test moves; the bus is
// not started, so the test's calls are the only writers.
struct Shop {
    Shop() : t(suite_database()) {
        db = mercato::test::open_module_database(*t, {"users", "notifications"}, 4);
        bus = std::make_unique<mercato::kernel::bus::Bus>(db, metrics);
        mercato::users::UsersSettings settings;
        settings.password_passes = 1;
        settings.password_memory_bytes = 64 * 1024;
        users = std::make_unique<mercato::users::Users>(db, *bus, settings);
        user_id = users->register_user("ann@example.com", "correct horse battery", "Ann").id;
    }

    Copy copy() {
        auto channel = std::make_unique<RecordingChannel>();
        RecordingChannel* raw = channel.get();
        std::vector<std::unique_ptr<mercato::notifications::Channel>> channels;
        channels.push_back(std::move(channel));
        mercato::notifications::NotificationsSettings settings;
        settings.now = [this] { return Clock::time_point(std::chrono::milliseconds(clock_ms.load())); };
        return {std::make_unique<Notifications>(db, *bus, *users, std::move(channels), settings), raw};
    }

    // Queues count sms messages to ann a second apart, and returns their ids in order.
    std::vector<std::string> queue(Notifications& notifications, int count) {
        std::vector<std::string> ids;
        for (int i = 0; i < count; ++i) {
            ids.push_back(notifications.send({user_id, "sms", "", "Message " + std::to_string(i)}).id);
            advance(std::chrono::seconds(1));
        }
        return ids;
    }

    void advance(std::chrono::milliseconds by) { clock_ms += by.count(); }

    // Each message's status and attempts, by id.
    std::map<std::string, std::pair<std::string, int>> states(Notifications& notifications) {
        std::map<std::string, std::pair<std::string, int>> out;
        for (const auto& n : notifications.history(std::nullopt, 100, "").items) out[n.id] = {n.status, n.attempts};
        return out;
    }

    long long sent_events() {
        long long count = 0;
        db->module("notifications").read([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM notifications.outbox WHERE topic = 'notifications.sent'", soci::into(count);
        });
        return count;
    }

    std::unique_ptr<mercato::test::TestDatabase> t;
    std::shared_ptr<mercato::kernel::Database> db;
    mercato::kernel::MetricsRegistry metrics;
    std::unique_ptr<mercato::kernel::bus::Bus> bus;
    std::unique_ptr<mercato::users::Users> users;
    std::string user_id;
    std::atomic<std::int64_t> clock_ms{1'800'000'000'000};
};

}  // namespace

TEST_CASE("one deliver_due leases, sends and records a batch of due messages in two commits, not two a message") {
    Shop shop;
    auto a = shop.copy();
    const auto ids = shop.queue(*a.notifications, 5);
    const auto before = shop.db->stats();
    CHECK(a.notifications->deliver_due() == 5);
    const auto after = shop.db->stats();
    CHECK(after.write_transactions - before.write_transactions == 2);
    CHECK(after.commits - before.commits == 2);
    CHECK(a.channel->sent == ids);  // in the order they were queued
    for (const auto& [id, state] : shop.states(*a.notifications)) {
        CAPTURE(id);
        CHECK(state == std::pair<std::string, int>{"sent", 1});
    }
    CHECK(shop.sent_events() == 5);
    CHECK(a.notifications->deliver_due() == 0);
    CHECK(a.channel->sent.size() == 5);
}

TEST_CASE("messages a server copy is sending are not taken by another copy meanwhile") {
    Shop shop;
    auto a = shop.copy();
    auto b = shop.copy();
    const auto ids = shop.queue(*a.notifications, 3);
    std::optional<std::size_t> b_took;
    a.channel->on_send = [&] {
        if (!b_took) b_took = b.notifications->deliver_due();
    };
    CHECK(a.notifications->deliver_due() == 3);
    CHECK(b_took == std::size_t{0});
    CHECK(b.channel->sent.empty());
    CHECK(a.channel->sent == ids);
    CHECK(shop.sent_events() == 3);
}

TEST_CASE("a batch whose sender died before recording it is sent again by another copy once the lease runs out") {
    Shop shop;
    auto a = shop.copy();
    auto b = shop.copy();
    const auto ids = shop.queue(*a.notifications, 3);
    a.channel->on_send = [] { throw Crash{}; };
    CHECK_THROWS_AS(a.notifications->deliver_due(), Crash);
    CHECK(a.channel->sent.size() == 1);
    // Still leased to the dead copy.
    CHECK(b.notifications->deliver_due() == 0);
    shop.advance(std::chrono::minutes(10));
    CHECK(b.notifications->deliver_due() == 3);
    CHECK(b.channel->sent == ids);
    for (const auto& [id, state] : shop.states(*b.notifications)) {
        CAPTURE(id);
        CHECK(state == std::pair<std::string, int>{"sent", 1});  // the unrecorded attempt is not counted
    }
}

TEST_CASE("a batch whose sends outlast its send window hands back the messages it did not start, due at once") {
    Shop shop;
    auto a = shop.copy();
    auto b = shop.copy();
    const auto ids = shop.queue(*a.notifications, 4);
    // Each send takes two minutes: past the window after the first.
    a.channel->on_send = [&] { shop.advance(std::chrono::minutes(2)); };
    const auto before = shop.db->stats();
    CHECK(a.notifications->deliver_due() == 4);
    CHECK(shop.db->stats().commits - before.commits == 2);
    REQUIRE(a.channel->sent == std::vector<std::string>{ids[0]});
    auto states = shop.states(*a.notifications);
    CHECK(states[ids[0]] == std::pair<std::string, int>{"sent", 1});
    for (std::size_t i = 1; i < ids.size(); ++i) CHECK(states[ids[i]] == std::pair<std::string, int>{"queued", 0});
    CHECK(b.notifications->deliver_due() == 3);
    CHECK(b.channel->sent == std::vector<std::string>(ids.begin() + 1, ids.end()));
}
