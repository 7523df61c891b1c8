// A product as the search index keeps it: what search matches, filters on and shows, read from the
// catalog's events or its facade, and kept in the index so a stock change can rebuild the document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "modules/catalog/api/catalog.hpp"

namespace mercato::search {

struct IndexedProduct {
    std::string id;
    std::string name;
    std::string description;
    std::int64_t price = 0;
    std::string currency;
    std::int64_t stock = 0;
    std::optional<std::string> category;  // slug
    std::vector<std::string> tags;
};

IndexedProduct indexed_product(const catalog::Product& product);
// The product object of a catalog.product-updated event (nlohmann::json::exception when malformed).
IndexedProduct indexed_product(const nlohmann::json& product);

std::string encode(const IndexedProduct& product);
IndexedProduct decode_indexed_product(std::string_view data);

}  // namespace mercato::search
