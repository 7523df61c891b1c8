// A product as the API and the catalog's events show it: one JSON shape for both, so a consumer of
// catalog.product-updated reads the same fields a client of GET /v1/products/{id} does.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "modules/catalog/api/catalog.hpp"

namespace mercato::catalog {

nlohmann::json product_json(const Product& product);

}  // namespace mercato::catalog
