#include "modules/catalog/domain/product_json.hpp"

#include <nlohmann/json.hpp>

namespace mercato::catalog {

nlohmann::json product_json(const Product& p) {
    return {{"id", p.id},
            {"sku", p.sku},
            {"name", p.name},
            {"description", p.description},
            {"price", p.price},
            {"currency", p.currency},
            {"stock", p.stock},
            {"category", p.category ? nlohmann::json(*p.category) : nlohmann::json(nullptr)},
            {"tags", p.tags},
            {"weight_grams", p.weight_grams ? nlohmann::json(*p.weight_grams) : nlohmann::json(nullptr)},
            {"rating_avg", p.rating_avg},
            {"rating_count", p.rating_count},
            {"created_at", p.created_at},
            {"updated_at", p.updated_at}};
}

}  // namespace mercato::catalog
