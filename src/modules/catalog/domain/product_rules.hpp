// What makes a product, a review or a stock adjustment valid: the bounds the catalog enforces before writing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kernel/problem.hpp"
#include "modules/catalog/api/catalog.hpp"

namespace mercato::catalog {

inline constexpr std::size_t max_sku_length = 64;
inline constexpr std::size_t max_name_length = 200;
inline constexpr std::size_t max_description_length = 5000;
inline constexpr std::size_t max_category_name_length = 100;
inline constexpr std::size_t max_comment_length = 2000;
inline constexpr std::size_t max_reason_length = 200;
// Far above any shop's prices and shelves, far below where 64-bit sums could overflow.
inline constexpr std::int64_t max_price = 1'000'000'000'000;
inline constexpr std::int64_t max_stock = 1'000'000'000;
// A shipping weight, when given: from a gram to a tonne.
inline constexpr std::int64_t min_weight_grams = 1;
inline constexpr std::int64_t max_weight_grams = 1'000'000;

// The field errors of a product about to be written (empty when it may be). Tags are normalised to
// slugs in place, duplicates dropped, so "Gift Idea" and "gift-idea" are one tag.
std::vector<kernel::FieldError> product_problems(Product& product);

// A category as the admin wrote it ("Home Decor" or "home-decor"): its slug, or nullopt when it has none.
std::optional<std::string> category_slug(const std::string& text);

std::vector<kernel::FieldError> review_problems(int rating, const std::string& comment);

// A reason is required: the audit is only useful when it says why.
std::vector<kernel::FieldError> adjustment_problems(std::int64_t delta, const std::string& reason);

}  // namespace mercato::catalog
