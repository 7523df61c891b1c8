// What the payments module asks of a payment service: charge a card, open a bank transfer, refund,
// and turn a signed callback into an event. The sandbox is built in; a real acquirer is another
// implementation, named in provider_registry.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/webhook_signature.hpp"
#include "modules/payments/api/payments.hpp"

namespace mercato::payments {

struct ChargeRequest {
    std::string payment_id;  // the provider's idempotency key: a retried charge is the same charge
    std::int64_t amount = 0;
    std::string currency;
    const Card* card = nullptr;
};

struct ChargeOutcome {
    bool approved = false;
    std::string provider_ref;
    std::string decline_code;  // "card_declined", "insufficient_funds" ...
    std::string decline_message;
};

struct ProviderRefund {
    std::string refund_id;  // the provider's idempotency key
    std::string provider_ref;  // of the charge
    std::int64_t amount = 0;
    std::string currency;
};

struct RefundOutcome {
    bool done = false;
    std::string provider_ref;
    std::string failure;
};

// A provider's callback once verified, in the module's words.
struct ProviderEvent {
    enum class Kind { payment_succeeded, payment_failed, dispute, other };
    std::string id;  // the provider's event id: each is applied once
    std::string type;  // as the provider names it
    Kind kind = Kind::other;
    std::int64_t created = 0;  // the provider's unix time of the event
    std::string payment_id;
    std::string reference;  // a bank transfer's, when payment_id is not known to the provider
    std::optional<std::int64_t> amount;
    std::string failure_code;
    std::string dispute_id;
    std::string dispute_status;  // needs_response, under_review, won, lost
    std::string dispute_reason;
};

class PaymentProvider {
public:
    virtual ~PaymentProvider() = default;
    // The name payments record and webhooks arrive under (/v1/payment/webhooks/{name}).
    virtual std::string name() const = 0;
    virtual ChargeOutcome charge(const ChargeRequest& request) = 0;
    // The reference a customer quotes on the transfer, unique per payment.
    virtual std::string open_transfer(const std::string& payment_id, std::int64_t amount, const std::string& currency) = 0;
    virtual RefundOutcome refund(const ProviderRefund& request) = 0;
    // Problem 401 when the signature does not hold; 422 when the body is not an event.
    virtual ProviderEvent verify_webhook(const WebhookDelivery& delivery, const kernel::SignatureCheck& check) = 0;
};

}  // namespace mercato::payments
