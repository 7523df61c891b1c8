#include "modules/shipping/http/shipping_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/product_lines.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/shipping/api/shipping.hpp"
#include "modules/shipping/domain/shipping_json.hpp"

namespace mercato::shipping {

namespace {

using http::Fields;
using http::Request;
using http::Response;
using kernel::FieldError;
using nlohmann::json;

Destination destination_of(const json& body, std::vector<FieldError>& errors) {
    const auto it = body.find("destination");
    if (it == body.end() || !it->is_object()) {
        errors.push_back({"destination", "must be an object {country, postal_code}"});
        return {};
    }
    Destination to;
    for (auto [name, out] : {std::pair{"country", &to.country}, std::pair{"postal_code", &to.postal_code}}) {
        const auto value = it->find(name);
        if (value == it->end() || !value->is_string()) errors.push_back({std::string("destination.") + name, "must be a string"});
        else *out = value->get<std::string>();
    }
    return to;
}

Response updated_response(const Updated& u) {
    json body = tracking_json(u.tracking);
    body["applied"] = u.applied;
    return Response::json(200, body);
}

}  // namespace

void register_shipping_routes(http::Router& router, Shipping& shipping) {
    router.add("POST", "/v1/shipping/calculate", [&shipping](Request& r) {
        const json& body = http::body_object(r);
        std::vector<FieldError> errors;
        std::vector<Item> items;
        for (auto& l : http::product_lines(body, "items", errors)) items.push_back({std::move(l.product_id), l.quantity});
        const Destination to = destination_of(body, errors);
        kernel::check_fields(std::move(errors));
        json options = json::array();
        for (const auto& o : shipping.calculate(items, to)) options.push_back(option_json(o));
        return Response::json(200, {{"options", std::move(options)}});
    });

    router.add("POST", "/v1/shipping/track", [&shipping](Request& r) {
        const auto& viewer = http::require_user(r);
        const bool admin = viewer.role == "admin";
        Fields f(http::body_object(r));
        const auto order_id = f.optional("order_id");
        const auto tracking_number = f.optional("tracking_number");
        f.check();
        if (order_id.has_value() == tracking_number.has_value()) {
            kernel::check_fields({{"order_id", "give order_id or tracking_number, one of them"}});
        }
        const Tracking t = order_id ? shipping.track_order(*order_id, viewer.user_id, admin)
                                    : shipping.track_number(*tracking_number, viewer.user_id, admin);
        return Response::json(200, tracking_json(t));
    });

    // An admin signs in; a carrier signs its body instead (Mercato-Signature), without a token.
    router.add("POST", "/v1/shipping/updates", [&shipping](Request& r) {
        if (!r.principal) {
            return updated_response(shipping.carrier_callback({r.body, [&r](std::string_view name) { return r.header(name); }}));
        }
        http::require_role(r, "admin");
        Fields f(http::body_object(r));
        TrackingUpdate update;
        update.tracking_number = f.required("tracking_number");
        update.status = f.required("status");
        update.location = f.optional("location").value_or("");
        f.check();
        return updated_response(shipping.update(update));
    });
}

}  // namespace mercato::shipping
