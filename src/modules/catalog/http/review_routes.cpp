#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/list_params.hpp"
#include "http/router.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/http/product_routes.hpp"

namespace mercato::catalog {

namespace {

nlohmann::json review_json(const Review& r) {
    return {{"id", r.id},         {"product_id", r.product_id}, {"user_id", r.user_id},
            {"rating", r.rating}, {"comment", r.comment},       {"created_at", r.created_at}};
}

}  // namespace

void register_review_routes(http::Router& router, Catalog& catalog) {
    router.add("POST", "/v1/products/{id}/reviews", [&catalog](http::Request& r) {
        const auto& user = http::require_user(r);
        http::Fields f(http::body_object(r));
        const auto rating = f.required_integer("rating");
        const auto comment = f.optional("comment").value_or("");
        f.check();
        // Out-of-range ratings are refused by the catalog; clamp only so the int conversion is defined.
        const int bounded = static_cast<int>(std::clamp<std::int64_t>(rating, 0, 6));
        return http::Response::json(201, review_json(catalog.add_review(std::string(r.path_param("id")), user.user_id,
                                                                         bounded, comment)));
    });

    router.add("GET", "/v1/products/{id}/reviews", [&catalog](http::Request& r) {
        const auto page = catalog.reviews(std::string(r.path_param("id")), http::page_limit(r), http::page_cursor(r));
        nlohmann::json items = nlohmann::json::array();
        for (const auto& review : page.items) items.push_back(review_json(review));
        return http::Response::json(200, http::page_json(std::move(items), page.next_cursor));
    });
}

}  // namespace mercato::catalog
