// The products `mercato seed --demo` fills a shop with: plausible, varied, and the same on every machine.
#pragma once

#include <cstddef>
#include <vector>

#include "modules/catalog/api/catalog.hpp"

namespace mercato::catalog {

// `count` products of a demo shop in EUR across a dozen categories, the same on every run: the
// generator is seeded with a constant and does its own arithmetic, so neither the clock, the device
// nor the standard library changes it. A smaller catalog is the start of a larger one. Skus
// ("KIT-000123") are unique across the whole catalog; about 8% of products are out of stock. Each has
// a shipping weight that suits its kind and size.
std::vector<ProductDraft> demo_catalog(std::size_t count);

}  // namespace mercato::catalog
