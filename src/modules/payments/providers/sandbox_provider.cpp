#include "modules/payments/providers/sandbox_provider.hpp"

#include <array>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "kernel/webhook_signature.hpp"

namespace mercato::payments {

namespace {

using kernel::FieldError;
using nlohmann::json;

constexpr std::size_t max_event_id_length = 255;

// "MRC-" and ten Crockford base32 characters (50 random bits): short enough to type into a bank
// form, and the unique index on references catches the rare repeat.
std::string transfer_reference() {
    static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::array<unsigned char, 10> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("no random bytes for a reference");
    std::string out = "MRC-";
    for (const auto b : bytes) out.push_back(alphabet[b % 32]);
    return out;
}

std::string text_at(const json& data, const char* name) {
    const auto it = data.find(name);
    return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ProviderEvent::Kind kind_of(const std::string& type) {
    if (type == "payment.succeeded") return ProviderEvent::Kind::payment_succeeded;
    if (type == "payment.failed") return ProviderEvent::Kind::payment_failed;
    if (type == "dispute.created" || type == "dispute.updated" || type == "dispute.closed") return ProviderEvent::Kind::dispute;
    return ProviderEvent::Kind::other;
}

}  // namespace

ChargeOutcome SandboxProvider::charge(const ChargeRequest& request) {
    const std::string& number = request.card->number;
    if (number == sandbox_card_declined) return {false, {}, "card_declined", "the card was declined"};
    if (number == sandbox_card_insufficient_funds) return {false, {}, "insufficient_funds", "the card has insufficient funds"};
    return {true, kernel::new_id("ch"), {}, {}};
}

std::string SandboxProvider::open_transfer(const std::string&, std::int64_t, const std::string&) { return transfer_reference(); }

RefundOutcome SandboxProvider::refund(const ProviderRefund&) { return {true, kernel::new_id("re"), {}}; }

ProviderEvent SandboxProvider::verify_webhook(const WebhookDelivery& delivery, const kernel::SignatureCheck& check) {
    kernel::verify_webhook_signature(delivery.header(kernel::signature_header), delivery.body, check.secrets, check.now, check.tolerance);
    const json body = json::parse(delivery.body, nullptr, false);
    std::vector<FieldError> errors;
    if (!body.is_object()) kernel::check_fields({{"body", "must be a JSON event object"}});
    ProviderEvent event;
    event.id = text_at(body, "id");
    event.type = text_at(body, "type");
    if (event.id.empty() || event.id.size() > max_event_id_length) errors.push_back({"id", "must be a string of 1 to 255 characters"});
    if (event.type.empty()) errors.push_back({"type", "must be a string"});
    const auto created = body.find("created");
    if (created == body.end() || !created->is_number_integer()) errors.push_back({"created", "must be a unix time"});
    else event.created = created->get<std::int64_t>();
    const auto data = body.find("data");
    if (data == body.end() || !data->is_object()) errors.push_back({"data", "must be an object"});
    kernel::check_fields(std::move(errors));
    event.kind = kind_of(event.type);
    event.payment_id = text_at(*data, "payment_id");
    event.reference = text_at(*data, "reference");
    if (const auto amount = data->find("amount"); amount != data->end() && amount->is_number_integer()) {
        event.amount = amount->get<std::int64_t>();
    }
    event.failure_code = text_at(*data, "failure_code");
    event.dispute_id = text_at(*data, "dispute_id");
    event.dispute_status = text_at(*data, "status");
    event.dispute_reason = text_at(*data, "reason");
    if (event.kind == ProviderEvent::Kind::dispute) {
        if (event.dispute_id.empty()) errors.push_back({"data.dispute_id", "must be a string"});
        if (event.payment_id.empty()) errors.push_back({"data.payment_id", "must be a string"});
        static const std::array<std::string, 4> states{"needs_response", "under_review", "won", "lost"};
        if (std::find(states.begin(), states.end(), event.dispute_status) == states.end()) {
            errors.push_back({"data.status", "must be needs_response, under_review, won or lost"});
        }
    }
    if ((event.kind == ProviderEvent::Kind::payment_succeeded || event.kind == ProviderEvent::Kind::payment_failed) &&
        event.payment_id.empty() && event.reference.empty()) {
        errors.push_back({"data.payment_id", "or data.reference must name the payment"});
    }
    kernel::check_fields(std::move(errors));
    return event;
}

}  // namespace mercato::payments
