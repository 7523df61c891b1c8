// Payments, refunds and disputes as the API shows them.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "modules/payments/api/payments.hpp"

namespace mercato::payments {

// {id, order_id, status, method, amount, currency, refunded_amount, provider, created_at, updated_at,
//  card: {brand, last4} | null, reference | null, failure: {code, message} | null}
nlohmann::json payment_json(const Payment& payment);
// {id, payment_id, amount, status, reason, created_at}
nlohmann::json refund_json(const Refund& refund);
nlohmann::json dispute_json(const Dispute& dispute);

}  // namespace mercato::payments
