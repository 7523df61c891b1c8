// What the simulated customers know of the shop before they start: its products, categories, tags and
// the words of its product names, read once through the public listing.
#pragma once

#include <string>
#include <vector>

#include "http_client.hpp"

namespace shop_day {

struct ShopCatalog {
    std::vector<std::string> product_ids;
    std::vector<std::string> categories;  // slugs with at least one product
    std::vector<std::string> tags;
    std::vector<std::string> words;  // lower-cased words of letters from the names, each once: search terms
};

// Pages through GET /v1/products and reads GET /v1/categories; throws std::runtime_error on an answer
// other than 200 or a shop without products.
ShopCatalog read_catalog(Connection& connection);

}  // namespace shop_day
