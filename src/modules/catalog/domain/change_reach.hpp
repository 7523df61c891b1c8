// How far a change of the catalog reaches among copies of its reads: the product's own reads only, or
// the listings and categories too. Decided alike at write time and from the catalog's log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "modules/catalog/api/catalog.hpp"

namespace mercato::catalog {

// Whether a stock change moves the product into or out of in-stock listings: the stock before
// (stock - delta) and after lie on different sides of zero.
bool crosses_zero(std::int64_t stock, std::int64_t delta);

// What an event of the catalog's log changed. A payload it cannot read reaches everything, so a
// cache never keeps what such a change may have altered.
CatalogChange change_of_event(std::string_view topic, const std::string& key, const std::string& payload);

}  // namespace mercato::catalog
