#include "modules/payments/domain/payment_json.hpp"

#include <nlohmann/json.hpp>

namespace mercato::payments {

using nlohmann::json;

json payment_json(const Payment& p) {
    json out{{"id", p.id},
             {"order_id", p.order_id},
             {"status", p.status},
             {"method", p.method},
             {"amount", p.amount},
             {"currency", p.currency},
             {"refunded_amount", p.refunded_amount},
             {"provider", p.provider},
             {"created_at", p.created_at},
             {"updated_at", p.updated_at},
             {"card", nullptr},
             {"reference", nullptr},
             {"failure", nullptr}};
    if (!p.card_last4.empty()) out["card"] = {{"brand", p.card_brand}, {"last4", p.card_last4}};
    if (!p.reference.empty()) out["reference"] = p.reference;
    if (!p.failure_code.empty()) out["failure"] = {{"code", p.failure_code}, {"message", p.failure_message}};
    return out;
}

json refund_json(const Refund& r) {
    return {{"id", r.id}, {"payment_id", r.payment_id}, {"amount", r.amount}, {"status", r.status}, {"reason", r.reason},
            {"created_at", r.created_at}};
}

json dispute_json(const Dispute& d) {
    return {{"id", d.id},         {"payment_id", d.payment_id}, {"order_id", d.order_id},     {"provider", d.provider},
            {"provider_dispute_id", d.provider_dispute_id},      {"status", d.status},         {"reason", d.reason},
            {"amount", d.amount}, {"currency", d.currency},     {"created_at", d.created_at}, {"updated_at", d.updated_at}};
}

}  // namespace mercato::payments
