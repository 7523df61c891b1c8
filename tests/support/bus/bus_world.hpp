// The bus tests' two modules on a real database: "shop" places orders and publishes
// shop.order-placed in the same transaction; "mailer" records each delivery in mailer.sent.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernel/bus/bus.hpp"
#include "kernel/migrations.hpp"

namespace mercato::kernel {
class Database;
}

namespace mercato::test {

inline constexpr const char* order_placed = "shop.order-placed";
inline constexpr const char* receipts_group = "mailer.receipts";

// Retries and polling fast enough for tests.
kernel::bus::BusOptions quick_bus_options();

// The fixture modules' own migrations (tests/fixtures/bus_migrations).
std::vector<kernel::MigrationFile> bus_fixture_migrations();

// Opens shop and mailer on url and applies the bus's and the fixture's migrations.
std::shared_ptr<kernel::Database> open_bus_world(const std::string& url);

// Inserts an order and publishes its event in one shop transaction; returns the event id.
std::string place_order(kernel::Database& db, kernel::bus::Bus& bus, const std::string& order_id,
                        const std::string& note = "");

// The mailer's side effect, written through the consumer's transaction.
void record_sent(soci::session& session, const kernel::bus::Envelope& event, const std::string& copy);

struct SentRow {
    std::string event_id;
    std::string key;
    std::int64_t offset = 0;
    std::string copy;
};
// Every recorded delivery, in the order this process made them (rows from other processes interleave).
std::vector<SentRow> sent_rows(kernel::Database& db);
std::size_t outbox_rows(kernel::Database& db);

}  // namespace mercato::test
