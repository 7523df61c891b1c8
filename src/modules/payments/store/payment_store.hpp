// SQL over the payments schema: payments, refunds, disputes and the provider events applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "modules/payments/api/payments.hpp"

namespace soci {
class session;
}

namespace mercato::payments {

// With lock, rows read stay locked to the transaction on PostgreSQL (SQLite's write lock is the module's).
void insert_payment(soci::session& session, const Payment& payment);
std::optional<Payment> find_payment(soci::session& session, kernel::Backend backend, const std::string& id, bool lock);
std::optional<Payment> find_by_reference(soci::session& session, kernel::Backend backend, const std::string& reference, bool lock);
// The order's pending or paid payment (at most one, by a unique index).
std::optional<Payment> live_payment(soci::session& session, kernel::Backend backend, const std::string& order_id, bool lock);
// The live payment if there is one, else the latest failed attempt.
std::optional<Payment> latest_payment(soci::session& session, const std::string& order_id);
// Ends a pending payment as payment says (status, provider_ref, failure); false if it was not pending.
bool finish_payment(soci::session& session, const Payment& payment);
// Adds amount to what is refunded, if the payment is paid and that much is left; false otherwise.
bool take_refund_amount(soci::session& session, const std::string& payment_id, std::int64_t amount, const std::string& at);
void give_back_refund_amount(soci::session& session, const std::string& payment_id, std::int64_t amount, const std::string& at);
void set_payment_status(soci::session& session, const std::string& payment_id, const std::string& status, const std::string& at);
// Payments still pending since before `before`, by method, oldest first.
std::vector<std::string> pending_payments(soci::session& session, const std::string& method, const std::string& before,
                                          std::size_t limit);

struct StoredRefund {
    Refund refund;
    std::optional<std::string> source;  // automatic refunds: what asked for it
    std::string actor;
    std::string provider_ref;
};

// False when a refund with the same source exists (that source asked before).
bool insert_refund(soci::session& session, const StoredRefund& refund);
std::optional<StoredRefund> find_refund(soci::session& session, kernel::Backend backend, const std::string& id, bool lock);
std::optional<StoredRefund> refund_by_source(soci::session& session, const std::string& source);
void finish_refund(soci::session& session, const std::string& id, const std::string& status, const std::string& provider_ref,
                   const std::string& at);
// The sum of the payment's succeeded refunds.
std::int64_t refunded_total(soci::session& session, const std::string& payment_id);
// Refunds pending since before `before` (or at it), oldest first.
std::vector<std::string> pending_refunds(soci::session& session, const std::string& before, std::size_t limit);

// Records the provider's event; false if it was recorded before (a redelivery).
bool record_provider_event(soci::session& session, const std::string& provider, const std::string& event_id,
                           const std::string& type, const std::string& at);

struct StoredDispute {
    Dispute dispute;
    std::int64_t event_at = 0;
};
std::optional<StoredDispute> find_dispute(soci::session& session, kernel::Backend backend, const std::string& provider,
                                          const std::string& provider_dispute_id);
void insert_dispute(soci::session& session, const StoredDispute& dispute);
void update_dispute(soci::session& session, const StoredDispute& dispute);
// Newest first; Problem 422 for a foreign cursor.
kernel::Page<Dispute> select_disputes(soci::session& session, const std::optional<std::string>& payment_id, std::size_t limit,
                            const std::string& cursor);

}  // namespace mercato::payments
