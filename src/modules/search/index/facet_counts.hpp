// The facets of a match set, counted product by product from the revision's product table: products
// per category and per tag, and the prices the price ranges are drawn from.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "modules/search/index/product_table.hpp"

namespace mercato::search {

class FacetCounts {
public:
    // table must outlive the counts.
    explicit FacetCounts(const ProductTable& table);
    void add(const ProductTable::Row& row);

    std::map<std::string, std::int64_t> categories() const;
    std::map<std::string, std::int64_t> tags() const;
    const std::vector<std::int64_t>& prices() const { return prices_; }

private:
    const ProductTable& table_;
    std::vector<std::int64_t> categories_;  // by ProductTable::Name
    std::vector<std::int64_t> tags_;
    std::vector<std::int64_t> prices_;
};

}  // namespace mercato::search
