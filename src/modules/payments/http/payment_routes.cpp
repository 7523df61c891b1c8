#include "modules/payments/http/payment_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/idempotency_header.hpp"
#include "http/json_fields.hpp"
#include "http/list_params.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/payments/api/payments.hpp"
#include "modules/payments/domain/payment_json.hpp"

namespace mercato::payments {

namespace {

using http::Fields;
using http::Request;
using http::Response;
using kernel::FieldError;
using nlohmann::json;

Viewer viewer_of(const Request& r) {
    const auto& principal = http::require_user(r);
    return {principal.user_id, principal.role == "admin"};
}

// card: {number, exp_month, exp_year, cvc}; the number may be written with spaces.
std::optional<Card> card_of(const json& body, std::vector<FieldError>& errors) {
    const auto it = body.find("card");
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_object()) {
        errors.push_back({"card", "must be an object {number, exp_month, exp_year, cvc}"});
        return std::nullopt;
    }
    Card card;
    const auto text = [&](const char* name, std::string& out) {
        const auto v = it->find(name);
        if (v == it->end() || !v->is_string()) errors.push_back({std::string("card.") + name, "must be a string of digits"});
        else out = v->get<std::string>();
    };
    const auto number = [&](const char* name, std::int64_t& out) {
        const auto v = it->find(name);
        if (v == it->end() || !v->is_number_integer()) errors.push_back({std::string("card.") + name, "must be a whole number"});
        else out = v->is_number_unsigned() ? static_cast<std::int64_t>(std::min<std::uint64_t>(v->get<std::uint64_t>(), INT64_MAX))
                                           : v->get<std::int64_t>();
    };
    text("number", card.number);
    std::erase(card.number, ' ');
    number("exp_month", card.exp_month);
    number("exp_year", card.exp_year);
    text("cvc", card.cvc);
    return card;
}

// What the Idempotency-Key's digest covers: the body with the card reduced to what is stored of it,
// since a digest of a card number can be reversed by trying every number.
json digest_view(const json& body, const std::optional<Card>& card) {
    json view = body;
    if (card) {
        view["card"] = {{"last4", card->number.size() >= 4 ? card->number.substr(card->number.size() - 4) : ""},
                        {"exp_month", card->exp_month},
                        {"exp_year", card->exp_year}};
    }
    return view;
}

Response answer(const kernel::KeyedAnswer& a) {
    auto response = Response::text(a.status, a.body, a.status < 400 ? "application/json" : "application/problem+json");
    if (a.replayed) response.set_header("Idempotent-Replayed", "true");
    return response;
}

}  // namespace

void register_payment_routes(http::Router& router, Payments& payments) {
    router.add("POST", "/v1/payment/checkout", [&payments](Request& r) {
        const auto& user = http::require_user(r);
        const json& body = http::body_object(r);
        std::vector<FieldError> errors;
        CheckoutRequest request;
        request.card = card_of(body, errors);
        Fields f(body);
        request.order_id = f.required("order_id");
        request.method = f.required("method");
        kernel::check_fields(std::move(errors));
        f.check();
        const auto key = http::idempotency_key(r, digest_view(body, request.card));
        return answer(payments.checkout(user.user_id, request, key));
    });

    router.add("GET", "/v1/payment/status", [&payments](Request& r) {
        const Viewer viewer = viewer_of(r);
        const auto payment_id = r.query_param("payment_id");
        const auto order_id = r.query_param("order_id");
        if (payment_id.has_value() == order_id.has_value()) {
            kernel::check_fields({{"payment_id", "give payment_id or order_id, one of them"}});
        }
        const Payment p = payment_id ? payments.payment(std::string(*payment_id), viewer)
                                     : payments.order_payment(std::string(*order_id), viewer);
        return Response::json(200, payment_json(p));
    });

    router.add("POST", "/v1/payment/refund", [&payments](Request& r) {
        const auto& admin = http::require_role(r, "admin");
        const json& body = http::body_object(r);
        Fields f(body);
        RefundRequest request;
        request.payment_id = f.required("payment_id");
        request.amount = f.integer("amount");
        request.reason = f.optional("reason").value_or("");
        f.check();
        const auto refunded = payments.refund(admin.user_id, request, http::idempotency_key(r, body));
        auto response = Response::json(201, refund_json(refunded.refund));
        if (refunded.replayed) response.set_header("Idempotent-Replayed", "true");
        return response;
    });

    router.add("POST", "/v1/payment/confirm", [&payments](Request& r) {
        http::require_role(r, "admin");
        Fields f(http::body_object(r));
        const auto payment_id = f.required("payment_id");
        f.check();
        return Response::json(200, payment_json(payments.confirm_transfer(payment_id)));
    });

    router.add("GET", "/v1/payment/disputes", [&payments](Request& r) {
        http::require_role(r, "admin");
        std::optional<std::string> payment_id;
        if (auto id = r.query_param("payment_id")) payment_id = std::string(*id);
        const auto page = payments.disputes(payment_id, http::page_limit(r), http::page_cursor(r));
        json items = json::array();
        for (const auto& d : page.items) items.push_back(dispute_json(d));
        return Response::json(200, http::page_json(std::move(items), page.next_cursor));
    });

    // Providers call without a token: the signature over the raw body is the credential.
    router.add("POST", "/v1/payment/webhooks/{provider}", [&payments](Request& r) {
        const auto receipt = payments.receive_webhook(std::string(r.path_param("provider")),
                                                      {r.body, [&r](std::string_view name) { return r.header(name); }});
        return Response::json(200, {{"event_id", receipt.event_id}, {"duplicate", receipt.duplicate}});
    });
}

}  // namespace mercato::payments
