#include "modules/orders/http/order_routes.hpp"

#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/idempotency_header.hpp"
#include "http/json_fields.hpp"
#include "http/list_params.hpp"
#include "http/product_lines.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/orders/api/orders.hpp"
#include "modules/orders/domain/order_json.hpp"

namespace mercato::orders {

namespace {

using http::Fields;
using http::Request;
using http::Response;
using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

Viewer viewer_of(const Request& r) {
    const auto& principal = http::require_user(r);
    return {principal.user_id, principal.role == "admin"};
}

// The lines at body[name] as the order's own.
std::vector<LineRequest> line_list(const json& body, const char* name, std::vector<FieldError>& errors) {
    std::vector<LineRequest> out;
    for (auto& l : http::product_lines(body, name, errors)) out.push_back({std::move(l.product_id), l.quantity});
    return out;
}

NewOrder new_order(const json& body) {
    std::vector<FieldError> errors;
    NewOrder order;
    order.items = line_list(body, "items", errors);
    const auto address = body.find("shipping_address");
    if (address == body.end() || !address->is_object()) {
        errors.push_back({"shipping_address", "must be an object {name, line1, line2?, city, postal_code, country}"});
    } else {
        for (const char* field : {"name", "line1", "line2", "city", "postal_code", "country"}) {
            const auto value = address->find(field);
            if (value != address->end() && !value->is_null() && !value->is_string()) {
                errors.push_back({fmt::format("shipping_address.{}", field), "must be a string"});
            }
        }
        const auto text = [&](const char* field) {
            const auto value = address->find(field);
            return value != address->end() && value->is_string() ? value->get<std::string>() : std::string();
        };
        order.shipping_address = {text("name"), text("line1"), text("line2"), text("city"), text("postal_code"), text("country")};
    }
    Fields f(body);
    order.shipping_option = f.optional("shipping_option");
    kernel::check_fields(std::move(errors));
    f.check();
    return order;
}

Response order_response(int status, const Order& o) { return Response::json(status, order_json(o)); }

}  // namespace

void register_order_routes(http::Router& router, Orders& orders) {
    router.add("POST", "/v1/orders", [&orders](Request& r) {
        const auto& user = http::require_user(r);
        // The order is placed the same way for everyone; the answer goes back in Mercato-Features, so
        // the storefront shows the new checkout to the customers of the rollout, the same ones every time.
        r.feature_enabled("new_checkout");
        const json& body = http::body_object(r);
        const auto key = http::idempotency_key(r, body);
        const auto placed = orders.place(user.user_id, new_order(body), key);
        auto response = Response::text(201, placed.body, "application/json");
        if (placed.replayed) response.set_header("Idempotent-Replayed", "true");
        return response;
    });

    router.add("GET", "/v1/orders", [&orders](Request& r) {
        const Viewer viewer = viewer_of(r);
        OrderQuery query;
        if (auto user = r.query_param("user_id")) query.user_id = std::string(*user);
        if (auto status = r.query_param("status")) query.status = std::string(*status);
        query.limit = http::page_limit(r);
        query.cursor = http::page_cursor(r);
        const auto page = orders.orders(viewer, query);
        json items = json::array();
        for (const auto& o : page.items) items.push_back(order_json(o));
        return Response::json(200, http::page_json(std::move(items), page.next_cursor));
    });

    router.add("GET", "/v1/orders/{id}", [&orders](Request& r) {
        return order_response(200, orders.order(std::string(r.path_param("id")), viewer_of(r)));
    });

    router.add("PUT", "/v1/orders/{id}/status", [&orders](Request& r) {
        const auto& admin = http::require_role(r, "admin");
        Fields f(http::body_object(r));
        const auto status = f.required("status");
        f.check();
        return order_response(200, orders.set_status(std::string(r.path_param("id")), status, admin.user_id));
    });

    router.add("POST", "/v1/orders/{id}/cancel", [&orders](Request& r) {
        return order_response(200, orders.cancel(std::string(r.path_param("id")), viewer_of(r)));
    });

    router.add("POST", "/v1/orders/{id}/returns", [&orders](Request& r) {
        const Viewer viewer = viewer_of(r);
        const json& body = http::body_object(r);
        std::vector<FieldError> errors;
        const auto items = line_list(body, "items", errors);
        Fields f(body);
        const auto reason = f.required("reason");
        kernel::check_fields(std::move(errors));
        f.check();
        return Response::json(201, return_json(orders.request_return(std::string(r.path_param("id")), viewer, items, reason)));
    });

    router.add("PUT", "/v1/orders/{id}/returns/{return_id}", [&orders](Request& r) {
        const auto& admin = http::require_role(r, "admin");
        Fields f(http::body_object(r));
        const auto status = f.required("status");
        f.check();
        if (status != "approved" && status != "rejected") {
            kernel::check_fields({{"status", "must be approved or rejected"}});
        }
        return Response::json(200, return_json(orders.decide_return(std::string(r.path_param("id")),
                                                                     std::string(r.path_param("return_id")),
                                                                     status == "approved", admin.user_id)));
    });
}

}  // namespace mercato::orders
