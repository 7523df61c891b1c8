// SQL over the catalog's products, their tags and categories.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "modules/catalog/api/catalog.hpp"

namespace soci {
class session;
}

namespace mercato::catalog {

// A product on sale (deleted ones are not found). With lock, the row stays locked to this
// transaction on PostgreSQL, so read-modify-write updates take turns (SQLite's module lock already makes them).
std::optional<Product> find_product(soci::session& session, kernel::Backend backend, const std::string& id, bool lock);
// Both throw Problem 409 when another product on sale has the sku.
void insert_product(soci::session& session, const Product& product);
// Writes every field but stock, which moves only through change_stock.
void update_product_row(soci::session& session, const Product& product);
// Soft delete keeps the row (reservations and the audit refer to it); hard delete removes the product,
// its tags and its reviews.
void soft_delete_product(soci::session& session, const std::string& id, const std::string& at);
void hard_delete_product(soci::session& session, const std::string& id);

// One page in the query's order; the cursor is opaque to callers. Problem 422 for a cursor that is
// not one of ours or belongs to another sort.
Page<Product> select_products(soci::session& session, const ProductQuery& query);
// The products on sale among ids, in one statement, in no particular order.
std::vector<Product> select_products_by_id(soci::session& session, const std::vector<std::string>& ids);

struct CategoryRow {
    std::string slug;
    std::string name;
};
std::optional<CategoryRow> find_category(soci::session& session, const std::string& slug);
// Makes the category unless it exists; two writers naming one new category both succeed.
void ensure_category_row(soci::session& session, const CategoryRow& category, const std::string& at);
// Throws Problem 409 when the slug exists.
void insert_category(soci::session& session, const CategoryRow& category, const std::string& at);
// Every category with its count of products on sale, by name.
std::vector<Category> select_categories(soci::session& session);

// Adds one rating to the product's sum and count in one statement, so concurrent reviews never lose one.
void add_rating(soci::session& session, const std::string& product_id, int rating, const std::string& at);

}  // namespace mercato::catalog
