#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/list_params.hpp"
#include "http/router.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/http/product_routes.hpp"

namespace mercato::catalog {

namespace {

nlohmann::json adjustment_json(const StockAdjustment& a) {
    return {{"id", a.id},         {"product_id", a.product_id}, {"delta", a.delta},          {"stock_after", a.stock_after},
            {"reason", a.reason}, {"actor", a.actor},           {"created_at", a.created_at}};
}

}  // namespace

void register_stock_routes(http::Router& router, Catalog& catalog) {
    router.add("POST", "/v1/products/{id}/stock-adjustments", [&catalog](http::Request& r) {
        const auto& admin = http::require_role(r, "admin");
        http::Fields f(http::body_object(r));
        const auto delta = f.required_integer("delta");
        const auto reason = f.required("reason");
        f.check();
        return http::Response::json(
            201, adjustment_json(catalog.adjust_stock(std::string(r.path_param("id")), delta, reason, admin.user_id)));
    });

    router.add("GET", "/v1/products/{id}/stock-adjustments", [&catalog](http::Request& r) {
        http::require_role(r, "admin");
        const auto page = catalog.stock_adjustments(std::string(r.path_param("id")), http::page_limit(r), http::page_cursor(r));
        nlohmann::json items = nlohmann::json::array();
        for (const auto& a : page.items) items.push_back(adjustment_json(a));
        return http::Response::json(200, http::page_json(std::move(items), page.next_cursor));
    });
}

}  // namespace mercato::catalog
