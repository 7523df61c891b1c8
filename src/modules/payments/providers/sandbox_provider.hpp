// The built-in "sandbox" provider: takes no money, answers by test card number, and verifies
// callbacks signed with the Mercato-Signature scheme.
#pragma once

#include "modules/payments/providers/payment_provider.hpp"

namespace mercato::payments {

// Cards it knows (any other number that passes the Luhn check is accepted):
inline constexpr const char* sandbox_card_declined = "4000000000000002";
inline constexpr const char* sandbox_card_insufficient_funds = "4000000000009995";
// Accepted; the provider later reports a dispute of it by webhook.
inline constexpr const char* sandbox_card_disputed = "4000000000000259";

class SandboxProvider final : public PaymentProvider {
public:
    std::string name() const override { return "sandbox"; }
    ChargeOutcome charge(const ChargeRequest& request) override;
    std::string open_transfer(const std::string& payment_id, std::int64_t amount, const std::string& currency) override;
    RefundOutcome refund(const ProviderRefund& request) override;
    // Body: {id, type, created, data: {payment_id?, reference?, amount?, failure_code?, dispute_id?, status?, reason?}};
    // types: payment.succeeded, payment.failed, dispute.created, dispute.updated, dispute.closed.
    ProviderEvent verify_webhook(const WebhookDelivery& delivery, const kernel::SignatureCheck& check) override;
};

}  // namespace mercato::payments
