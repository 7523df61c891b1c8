// The payments module's events: the topics of its log, keyed by order id, and what each payload holds.
// Amounts are in minor units of currency; a card's number and code are never in them.
#pragma once

#include "kernel/bus/event_contract.hpp"

namespace mercato::payments {

inline constexpr const char* topic_processed = "payments.processed";
inline constexpr const char* topic_refunded = "payments.refunded";
inline constexpr const char* topic_disputed = "payments.disputed";

namespace event_fields {

using kernel::bus::EventField;
using enum kernel::bus::FieldKind;
using enum kernel::bus::Presence;

// A payment attempt that ended.
inline constexpr EventField processed[] = {
    {"payment_id", string},
    {"order_id", string},
    {"user_id", string},
    {"status", string},  // "succeeded" or "failed"
    {"method", string},  // "card" or "bank_transfer"
    {"amount", integer},
    {"currency", string},
    {"provider", string},
    {"failure_code", string, optional},  // the provider's reason, when failed
};
// A refund the provider settled.
inline constexpr EventField refunded[] = {
    {"refund_id", string},
    {"payment_id", string},
    {"order_id", string},
    {"user_id", string},
    {"amount", integer},  // this refund's
    {"currency", string},
    {"refunded_amount", integer},  // all the payment's refunds so far
    {"payment_status", string},    // "refunded" or "partially_refunded"
    {"reason", string},
};
// A dispute opened or moved on by the provider.
inline constexpr EventField disputed[] = {
    {"dispute_id", string},
    {"payment_id", string},
    {"order_id", string},
    {"status", string},  // "needs_response", "under_review", "won" or "lost"
    {"reason", string},
    {"amount", integer},
    {"currency", string},
};

}  // namespace event_fields

inline constexpr kernel::bus::EventContract event_contracts[] = {
    {topic_processed, "payments", event_fields::processed},
    {topic_refunded, "payments", event_fields::refunded},
    {topic_disputed, "payments", event_fields::disputed},
};

}  // namespace mercato::payments
