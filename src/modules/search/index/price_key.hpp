// Orders a match by price as the revision's product table holds it: the keys sorting by the price
// value slot compares, without reading that slot of every candidate from the index.
#pragma once

#include <string>

#include <xapian.h>

#include "modules/search/index/product_table.hpp"

namespace mercato::search {

class PriceKey : public Xapian::KeyMaker {
public:
    // table: of the revision the match runs on; it must outlive the key maker.
    explicit PriceKey(const ProductTable& table) : table_(table) {}
    std::string operator()(const Xapian::Document& doc) const override;

private:
    const ProductTable& table_;
};

}  // namespace mercato::search
