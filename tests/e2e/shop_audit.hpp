// The promises a shop must keep through crashes and outages, checked in its database (each module's own
// schema) against the ledger of what its customers were told: every acknowledged order and payment is
// there, no order is paid twice, stock adds up, and every event took effect once in each module that
// follows it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e/order_stream.hpp"

namespace mercato::kernel {
class Database;
}

namespace mercato::test {

class ShopAudit {
public:
    explicit ShopAudit(const std::string& db_url);
    ~ShopAudit();

    // Each promise broken, in words; empty when all hold. initial_stock: every product's stock at the start.
    // max_orphans: how many held reservations may lack an order (stock reserved by a request the crash cut
    // off before its order was stored; they go back on sale when their hold runs out).
    std::vector<std::string> broken_promises(const Ledger& ledger, const std::map<std::string, std::int64_t>& initial_stock,
                                             std::size_t max_orphans) const;
    std::size_t orphan_reservations() const;

private:
    std::shared_ptr<kernel::Database> db_;
};

// SQLite: the result of PRAGMA integrity_check for each module's file in dir that is not "ok".
std::vector<std::string> damaged_sqlite_files(const std::filesystem::path& dir);

}  // namespace mercato::test
