// SQL over stock: the conditional updates that keep it from going below zero, the audit of admin
// adjustments, and the reservations orders hold.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "modules/catalog/api/catalog.hpp"

namespace soci {
class session;
}

namespace mercato::catalog {

// A product's stock after a change, with the copy of the product an order keeps.
struct StockChange {
    std::int64_t stock = 0;
    std::string sku;
    std::string name;
    std::int64_t price = 0;
    std::string currency;
};

// Adds delta to a product's stock in one conditional statement, only when the result stays within
// 0..max_stock (and, with on_sale_only, only for a product not deleted). nullopt when the product is
// not there, has too little, or would hold too much.
std::optional<StockChange> change_stock(soci::session& session, const std::string& product_id, std::int64_t delta,
                                        const std::string& at, bool on_sale_only);

void insert_adjustment(soci::session& session, const StockAdjustment& adjustment);
Page<StockAdjustment> select_adjustments(soci::session& session, const std::string& product_id, std::size_t limit,
                                         const std::string& cursor);

// With lock, the row stays locked to this transaction on PostgreSQL, so a commit and a release of
// one order take turns.
std::optional<Reservation> find_reservation(soci::session& session, kernel::Backend backend, const std::string& order_id,
                                            bool lock);
// Inserts the reservation's row unless the order has one; false when it had (on PostgreSQL, a
// reserve of the same order racing on another server copy waits here for that one to finish).
bool insert_reservation(soci::session& session, const Reservation& reservation, const std::string& at);
void insert_reservation_lines(soci::session& session, const Reservation& reservation);
// Moves a reservation from one status to another; false when it was not in `from` (someone else moved it first).
bool move_reservation(soci::session& session, const std::string& order_id, const char* from, const char* to,
                      const std::string& at);
// Held reservations whose expiry is before now, oldest first.
std::vector<std::string> expired_reservations(soci::session& session, const std::string& now, std::size_t limit);
// Whether any reservation, in any state, ever held the product.
bool ever_reserved(soci::session& session, const std::string& product_id);

}  // namespace mercato::catalog
