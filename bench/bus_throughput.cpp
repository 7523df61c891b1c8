// Publish-to-handler throughput and latency of the event bus, publishing transaction included.
// Publishers run write transactions on the orders module that insert a row and publish B events
// (500-byte payloads) to its log; a durable consumer group in notifications handles them in its
// own transactions. The clock starts before the publishing transaction and stops in the handler.
//
//   mercato_bus_bench --db URL --publishers N --events M --per-tx B       as fast as it goes
//   mercato_bus_bench --db URL --rate R --seconds S                       one event per transaction, paced
// With --handler-writes 1 the handler also inserts a row per event in the consumer's transaction
// (a side effect of its own); with 0 the consumer's transaction holds only the group's offset.
//
// Prints one line: events, seconds, events_per_s (first publish to last handled), published_per_s
// (first publish to last commit), p50_ms, p99_ms.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/bus/bus.hpp"
#include "kernel/bus/bus_schema.hpp"
#include "kernel/database.hpp"
#include "kernel/ids.hpp"
#include "kernel/logging.hpp"
#include "kernel/metrics.hpp"
#include "kernel/migrations.hpp"

using namespace mercato::kernel;
using Clock = std::chrono::steady_clock;

namespace {

int usage() {
    std::cerr << "usage: mercato_bus_bench --db URL (--publishers N --events M --per-tx B | --rate R --seconds S)"
                 " [--handler-writes 0|1]\n";
    return 2;
}

struct Settings {
    std::string url;
    int publishers = 1;
    int events = 0;
    int per_tx = 1;
    int rate = 0;  // events per second, paced; 0: as fast as possible
    int seconds = 0;
    bool handler_writes = true;
};

long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// A 500-byte JSON payload carrying this run's id, the event's number and when its publishing began.
std::string payload(const std::string& run, int n, long long sent_ns) {
    std::string body = fmt::format(R"({{"run":"{}","n":{},"sent_ns":{},"pad":")", run, n, sent_ns);
    body.append(498 - body.size(), 'x');
    return body + "\"}";
}

template <class T>
T field(const std::string& json, const std::string& name) {
    const auto at = json.find("\"" + name + "\":") + name.size() + 3;
    return static_cast<T>(std::stoll(json.substr(at)));
}

}  // namespace

int main(int argc, char** argv) {
    Settings s;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        const std::string value = argv[i + 1];
        if (arg == "--db") s.url = value;
        else if (arg == "--publishers") s.publishers = std::stoi(value);
        else if (arg == "--events") s.events = std::stoi(value);
        else if (arg == "--per-tx") s.per_tx = std::stoi(value);
        else if (arg == "--rate") s.rate = std::stoi(value);
        else if (arg == "--seconds") s.seconds = std::stoi(value);
        else if (arg == "--handler-writes") s.handler_writes = value != "0";
        else return usage();
    }
    if (s.rate > 0) s.events = s.rate * s.seconds;
    if (s.url.empty() || s.events < 1 || s.publishers < 1 || s.per_tx < 1) return usage();
    init_logging("warn", "text");

    DatabaseOptions options;
    options.url = s.url;
    options.pool_size = static_cast<std::size_t>(s.publishers) + 4;
    auto db = Database::open(options, {"notifications", "orders"});
    auto plan = bus::bus_migrations(db->backend(), db->modules());
    const std::vector<MigrationFile> schema = {
        {"orders/0001_imports.sql", "CREATE TABLE orders.imports (id TEXT NOT NULL, orders INTEGER NOT NULL);"},
        {"notifications/0001_sent.sql", "CREATE TABLE notifications.sent (event_id TEXT NOT NULL);"}};
    for (auto& m : plan_migrations(db->backend(), schema)) plan.push_back(std::move(m));
    Migrator(*db, std::move(plan)).apply();

    const std::string run = new_id("run");
    std::vector<double> latency_ms(static_cast<std::size_t>(s.events), -1);
    std::atomic<int> handled{0};
    std::mutex done_mutex;
    std::condition_variable done;
    Clock::time_point last_handled;

    MetricsRegistry metrics;
    bus::Bus events_bus(db, metrics);
    events_bus.subscribe({"notifications.bench", "notifications", {"orders.placed"},
                          [&](const bus::Envelope& e, soci::session& session) {
                              if (s.handler_writes) {
                                  session << "INSERT INTO notifications.sent (event_id) VALUES (:id)", soci::use(e.id);
                              }
                              // Earlier runs on the same database left their events behind: skip those.
                              if (e.payload.find(run) == std::string::npos) return;
                              const auto n = field<std::size_t>(e.payload, "n");
                              latency_ms[n] = static_cast<double>(now_ns() - field<long long>(e.payload, "sent_ns")) / 1e6;
                              if (++handled == s.events) {
                                  std::lock_guard lock(done_mutex);
                                  last_handled = Clock::now();
                                  done.notify_all();
                              }
                          }});
    events_bus.start();

    const auto started = Clock::now();
    std::atomic<int> next{0};
    std::vector<std::thread> publishers;
    for (int p = 0; p < s.publishers; ++p) {
        publishers.emplace_back([&] {
            while (true) {
                const int first = next.fetch_add(s.per_tx);
                if (first >= s.events) return;
                if (s.rate > 0) std::this_thread::sleep_until(started + std::chrono::microseconds(1'000'000LL * first / s.rate));
                const long long sent = now_ns();
                const int last = std::min(first + s.per_tx, s.events);
                db->module("orders").write([&](soci::session& session) {
                    // The state change: one row per transaction (an order, or an import of several).
                    const std::string batch = fmt::format("imp_{}_{}", run, first);
                    const int count = last - first;
                    session << "INSERT INTO orders.imports (id, orders) VALUES (:id, :n)", soci::use(batch), soci::use(count);
                    for (int n = first; n < last; ++n) {
                        events_bus.publish(session, {"orders.placed", fmt::format("ord_{}_{}", run, n), payload(run, n, sent)});
                    }
                });
            }
        });
    }
    for (auto& t : publishers) t.join();
    const double publish_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    {
        std::unique_lock lock(done_mutex);
        if (!done.wait_for(lock, std::chrono::minutes(2), [&] { return handled.load() == s.events; })) {
            std::cerr << "only " << handled.load() << " of " << s.events << " events were handled in time\n";
            return 1;
        }
    }
    events_bus.stop();

    const double seconds = std::chrono::duration<double>(last_handled - started).count();
    std::sort(latency_ms.begin(), latency_ms.end());
    const auto at = [&](double q) { return latency_ms[static_cast<std::size_t>(q * static_cast<double>(latency_ms.size() - 1))]; };
    std::cout << fmt::format("events={} seconds={:.2f} events_per_s={:.0f} published_per_s={:.0f} p50_ms={:.2f} p99_ms={:.2f}\n",
                             s.events, seconds, static_cast<double>(s.events) / seconds,
                             static_cast<double>(s.events) / publish_seconds, at(0.5), at(0.99));
    return 0;
}
