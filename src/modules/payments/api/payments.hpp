// The payments module's facade: paying orders through the configured provider, payment status,
// refunds (by an admin, or by themselves for approved returns), provider webhooks and disputes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/idempotency.hpp"
#include "kernel/page.hpp"
#include "modules/orders/api/orders.hpp"

namespace mercato::payments {

class PaymentProvider;

inline constexpr const char* status_pending = "pending";
inline constexpr const char* status_succeeded = "succeeded";
inline constexpr const char* status_failed = "failed";
inline constexpr const char* status_refunded = "refunded";
inline constexpr const char* status_partially_refunded = "partially_refunded";

using orders::Viewer;

struct Card {
    std::string number;  // digits only; never stored, logged or published
    std::int64_t exp_month = 0;
    std::int64_t exp_year = 0;
    std::string cvc;  // never stored, logged or published
};

struct CheckoutRequest {
    std::string order_id;
    std::string method;  // "card" or "bank_transfer"
    std::optional<Card> card;
};

struct Payment {
    std::string id;
    std::string order_id;
    std::string user_id;
    std::string status;
    std::string method;
    std::int64_t amount = 0;
    std::string currency;
    std::int64_t refunded_amount = 0;
    std::string provider;
    std::string provider_ref;     // the provider's id of the charge; "" before it answers
    std::string reference;        // a bank transfer's reference for the customer to quote
    std::string card_brand;       // "visa", "mastercard", "amex", "discover" or "card"
    std::string card_last4;
    std::string failure_code;     // "card_declined", "insufficient_funds", "order_cancelled" ...
    std::string failure_message;
    std::string created_at;
    std::string updated_at;
};

struct RefundRequest {
    std::string payment_id;
    std::optional<std::int64_t> amount;  // none: all that is left
    std::string reason;
};

struct Refund {
    std::string id;
    std::string payment_id;
    std::int64_t amount = 0;
    std::string status;  // "pending" (the provider has not answered yet), "succeeded" or "failed"
    std::string reason;
    std::string created_at;
};

struct Refunded {
    Refund refund;
    bool replayed = false;
};

struct Dispute {
    std::string id;
    std::string payment_id;
    std::string order_id;
    std::string provider;
    std::string provider_dispute_id;
    std::string status;  // "needs_response", "under_review", "won" or "lost"
    std::string reason;
    std::int64_t amount = 0;
    std::string currency;
    std::string created_at;
    std::string updated_at;
};


// A provider's callback as it arrived: the raw body (signatures cover its bytes) and its headers.
struct WebhookDelivery {
    std::string_view body;
    std::function<std::string_view(std::string_view name)> header;  // "" when absent
};

struct WebhookReceipt {
    std::string event_id;
    bool duplicate = false;  // applied before: nothing changed
};

struct PaymentsSettings {
    // The provider the module builds for the facade ("sandbox", the built-in one, takes no money).
    std::string provider = "sandbox";
    std::vector<std::string> webhook_secrets;  // none: every webhook is refused
    std::chrono::seconds webhook_tolerance{300};
    std::chrono::seconds sweep_interval{60};
    // A card attempt still pending this long was interrupted (the process stopped mid-charge).
    std::chrono::seconds interrupted_after{10 * 60};
    std::chrono::hours idempotency_ttl{24};
    // Tests move it.
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// Calls block on the database and the provider: run them on worker threads. Failures are
// kernel::Problem: 422 for invalid input, 404 for what the viewer may not see, 409 for a state that
// forbids the call, 401 for a webhook whose signature does not hold.
class Payments {
public:
    // db must serve the "payments" module; orders tells what an order costs and whose it is.
    Payments(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, orders::Orders& orders,
             std::unique_ptr<PaymentProvider> provider, PaymentsSettings settings = {});
    ~Payments();
    Payments(const Payments&) = delete;
    Payments& operator=(const Payments&) = delete;

    // Pays the customer's pending order its total. A card is charged now: 201 with the succeeded
    // payment, or 402 with a problem when declined (a failed payment is kept; the order stays
    // pending). A bank transfer is 201 with a pending payment and the reference to quote. The answer
    // (status and body) is what an Idempotency-Key replay returns.
    kernel::KeyedAnswer checkout(const std::string& user_id, const CheckoutRequest& request,
                                 const std::optional<kernel::IdempotencyKey>& key = std::nullopt);
    Payment payment(const std::string& payment_id, const Viewer& viewer);
    // The order's paid (or pending) payment if it has one, else its latest attempt.
    Payment order_payment(const std::string& order_id, const Viewer& viewer);
    // An admin gives back part or all of what is left (409 beyond it); a replay shows the refund as it is now.
    Refunded refund(const std::string& admin_id, const RefundRequest& request,
                    const std::optional<kernel::IdempotencyKey>& key = std::nullopt);
    // An admin saw a bank transfer arrive: pending → succeeded (409 for a payment not pending).
    Payment confirm_transfer(const std::string& payment_id);
    // Verifies and applies a provider's callback once (404 for a provider this server does not use).
    WebhookReceipt receive_webhook(const std::string& provider, const WebhookDelivery& delivery);
    // Newest first, all or those of one payment; admins only.
    kernel::Page<Dispute> disputes(const std::optional<std::string>& payment_id, std::size_t limit, const std::string& cursor);

    // Subscribes to orders.status-changed: an approved return is refunded, and a cancelled order's
    // pending transfer fails and its payment (if one got through) is refunded. Call before the bus starts.
    void follow_orders(kernel::bus::Bus& bus);
    // The sweeper's round: fails interrupted card attempts, settles pending refunds (those opened by
    // events, and any a provider could not take at once), forgets old Idempotency-Keys.
    void sweep();
    // Called once a transaction that opened a refund by itself has committed, so the sweeper can
    // settle it now; the bus thread that opened it must not wait for the provider.
    void when_refunds_wait(std::function<void()> wake);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::payments
