#include "modules/catalog/domain/change_reach.hpp"

#include <nlohmann/json.hpp>

#include "modules/catalog/api/events.hpp"

namespace mercato::catalog {

bool crosses_zero(std::int64_t stock, std::int64_t delta) { return (stock - delta > 0) != (stock > 0); }

CatalogChange change_of_event(std::string_view topic, const std::string& key, const std::string& payload) {
    if (topic == topic_category_created) return {std::nullopt, true};
    if (topic == topic_stock_changed) {
        const auto fields = nlohmann::json::parse(payload, nullptr, false);
        if (fields.is_object() && fields.contains("stock") && fields.contains("delta") && fields["stock"].is_number_integer() &&
            fields["delta"].is_number_integer()) {
            return {key, crosses_zero(fields["stock"].get<std::int64_t>(), fields["delta"].get<std::int64_t>())};
        }
    }
    // catalog.product-updated: a product made, removed or edited (admin edits and reviews are rare).
    return {key, true};
}

}  // namespace mercato::catalog
