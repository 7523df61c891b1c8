#include "support/bus/bus_world.hpp"

#include <atomic>

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/bus/bus_schema.hpp"
#include "kernel/database.hpp"
#include "kernel/migration_source.hpp"
#include "kernel/sql_values.hpp"

namespace mercato::test {

kernel::bus::BusOptions quick_bus_options() {
    kernel::bus::BusOptions options;
    options.max_attempts = 4;
    options.backoff_initial = std::chrono::milliseconds(20);
    options.backoff_max = std::chrono::milliseconds(200);
    options.poll_interval = std::chrono::milliseconds(200);
    options.batch_size = 50;
    return options;
}

std::vector<kernel::MigrationFile> bus_fixture_migrations() {
    return kernel::read_migrations_dir(std::string(MERCATO_SOURCE_DIR) + "/tests/fixtures/bus_migrations");
}

std::shared_ptr<kernel::Database> open_bus_world(const std::string& url) {
    kernel::DatabaseOptions options;
    options.url = url;
    options.pool_size = 4;
    auto db = kernel::Database::open(options, {"mailer", "shop"});
    auto plan = kernel::bus::bus_migrations(db->backend(), db->modules());
    for (auto& m : kernel::plan_migrations(db->backend(), bus_fixture_migrations())) plan.push_back(std::move(m));
    kernel::Migrator(*db, std::move(plan)).apply();
    return db;
}

std::string place_order(kernel::Database& db, kernel::bus::Bus& bus, const std::string& order_id, const std::string& note) {
    return db.module("shop").write([&](soci::session& s) {
        s << "INSERT INTO shop.order_changes (order_id, note) VALUES (:id, :note)", soci::use(order_id), soci::use(note);
        return bus.publish(s, {order_placed, order_id, fmt::format(R"({{"order_id":"{}","note":"{}"}})", order_id, note)});
    });
}

void record_sent(soci::session& session, const kernel::bus::Envelope& event, const std::string& copy) {
    static std::atomic<long long> seq{0};
    const long long offset = event.offset;
    const long long n = ++seq;
    session << "INSERT INTO mailer.sent (event_id, event_key, log_offset, copy, seq) VALUES (:e, :k, :o, :c, :s)",
        soci::use(event.id), soci::use(event.key), soci::use(offset), soci::use(copy), soci::use(n);
}

std::vector<SentRow> sent_rows(kernel::Database& db) {
    return db.module("mailer").read([](soci::session& s) {
        std::vector<SentRow> rows;
        soci::rowset<soci::row> result = (s.prepare << "SELECT event_id, event_key, log_offset, copy FROM mailer.sent ORDER BY seq");
        for (const auto& r : result) {
            rows.push_back({r.get<std::string>(0), r.get<std::string>(1), kernel::row_int64(r, 2), r.get<std::string>(3)});
        }
        return rows;
    });
}

std::size_t outbox_rows(kernel::Database& db) {
    return db.module("shop").read([](soci::session& s) {
        int n = 0;
        s << "SELECT count(*) FROM shop.outbox", soci::into(n);
        return static_cast<std::size_t>(n);
    });
}

}  // namespace mercato::test
