// Durable write throughput through the kernel's database layer: N threads each run small write
// transactions on one module and wait for each to commit. Prints one line: threads, writes,
// seconds, writes per second, commits, p50 and p99 latency in ms.
//
// Usage: mercato_durable_writes --db URL --threads N --writes-per-thread M [--no-group-commit]
#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/database.hpp"
#include "kernel/ids.hpp"
#include "kernel/migrations.hpp"

using namespace mercato::kernel;

namespace {

int usage() {
    std::cerr << "usage: mercato_durable_writes --db URL --threads N --writes-per-thread M [--no-group-commit]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    DatabaseOptions options;
    int threads = 0;
    int per_thread = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--db" && has_value) {
            options.url = argv[++i];
        } else if (arg == "--threads" && has_value) {
            threads = std::stoi(argv[++i]);
        } else if (arg == "--writes-per-thread" && has_value) {
            per_thread = std::stoi(argv[++i]);
        } else if (arg == "--no-group-commit") {
            options.group_commit = false;
        } else {
            return usage();
        }
    }
    if (threads < 1 || per_thread < 1) return usage();
    options.pool_size = static_cast<std::size_t>(threads);

    auto db = Database::open(options, {"bench"});
    const std::vector<MigrationFile> schema = {
        {"bench/0001_events.sql", "CREATE TABLE bench.events (id TEXT PRIMARY KEY, payload TEXT NOT NULL);"}};
    Migrator(*db, plan_migrations(db->backend(), schema)).apply();

    const std::string payload(500, 'x');  // about the size of an event envelope
    const std::string run = new_id("run");   // rounds against one PostgreSQL database must not collide
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(threads));
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            auto& mine = latencies[static_cast<std::size_t>(t)];
            for (int i = 0; i < per_thread; ++i) {
                const std::string id = fmt::format("{}-{}-{}", run, t, i);
                const auto before = std::chrono::steady_clock::now();
                db->module("bench").write([&](soci::session& sql) {
                    sql << "INSERT INTO bench.events (id, payload) VALUES (:id, :p)", soci::use(id), soci::use(payload);
                });
                mine.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - before).count());
            }
        });
    }
    for (auto& w : workers) w.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    const auto at = [&](double q) { return all[static_cast<std::size_t>(q * static_cast<double>(all.size() - 1))]; };
    const auto stats = db->stats();
    std::cout << fmt::format("threads={} writes={} seconds={:.2f} writes_per_s={:.0f} commits={} p50_ms={:.2f} p99_ms={:.2f}\n",
                             threads, all.size(), seconds, static_cast<double>(all.size()) / seconds, stats.commits,
                             at(0.5), at(0.99));
    return 0;
}
