#include "modules/catalog/store/product_store.hpp"

#include <cmath>

#include <soci/soci.h>

#include "kernel/problem.hpp"
#include "kernel/sql_query.hpp"
#include "kernel/sql_values.hpp"
#include "kernel/unique_write.hpp"
#include "kernel/page_cursor.hpp"
#include "modules/catalog/domain/tags.hpp"

namespace mercato::catalog {

namespace {

constexpr const char* taken_sku = "a product with this sku exists";
constexpr const char* product_columns =
    "p.id, p.sku, p.name, p.description, p.price, p.currency, p.stock, p.category, p.tags, p.rating_sum, "
    "p.rating_count, p.created_at, p.updated_at, p.weight_grams";

Product product_from_row(const soci::row& r) {
    Product p;
    p.id = r.get<std::string>(0);
    p.sku = r.get<std::string>(1);
    p.name = r.get<std::string>(2);
    p.description = r.get<std::string>(3);
    p.price = kernel::row_int64(r, 4);
    p.currency = r.get<std::string>(5);
    p.stock = kernel::row_int64(r, 6);
    if (r.get_indicator(7) != soci::i_null) p.category = r.get<std::string>(7);
    p.tags = split_tags(r.get<std::string>(8));
    const auto rating_sum = kernel::row_int64(r, 9);
    p.rating_count = kernel::row_int64(r, 10);
    // Rounded to two places, so the figure a client sees does not drift in the last digits.
    if (p.rating_count > 0) {
        p.rating_avg = static_cast<double>(std::llround(static_cast<double>(rating_sum) * 100.0 / static_cast<double>(p.rating_count))) / 100.0;
    }
    p.created_at = r.get<std::string>(11);
    p.updated_at = r.get<std::string>(12);
    if (r.get_indicator(13) != soci::i_null) p.weight_grams = kernel::row_int64(r, 13);
    return p;
}

// The columns a product's row keeps in another form than the API's: its tags joined, its category and
// weight nullable.
struct StoredColumns {
    explicit StoredColumns(const Product& p)
        : tags(join_tags(p.tags)),
          category(p.category.value_or("")),
          category_set(p.category ? soci::i_ok : soci::i_null),
          weight_grams(p.weight_grams.value_or(0)),
          weight_set(p.weight_grams ? soci::i_ok : soci::i_null) {}
    std::string tags;
    std::string category;
    soci::indicator category_set;
    std::int64_t weight_grams;
    soci::indicator weight_set;
};

void replace_tags(soci::session& session, const Product& p) {
    session << "DELETE FROM catalog.product_tags WHERE product_id = :id", soci::use(p.id);
    for (const auto& tag : p.tags) {
        session << "INSERT INTO catalog.product_tags (product_id, tag) VALUES (:id, :tag)", soci::use(p.id), soci::use(tag);
    }
}

// The sort's key column and direction, and the cursor value of a product under it.
struct SortOrder {
    const char* column;
    bool descending;
    bool numeric;
};

SortOrder order_of(ProductSort sort) {
    switch (sort) {
        case ProductSort::price: return {"p.price", false, true};
        case ProductSort::price_desc: return {"p.price", true, true};
        case ProductSort::name: return {"p.name", false, false};
        case ProductSort::newest: break;
    }
    return {"p.created_at", true, false};
}

std::string sort_value(ProductSort sort, const Product& p) {
    switch (sort) {
        case ProductSort::price:
        case ProductSort::price_desc: return std::to_string(p.price);
        case ProductSort::name: return p.name;
        case ProductSort::newest: break;
    }
    return p.created_at;
}

}  // namespace

std::optional<Product> find_product(soci::session& session, kernel::Backend backend, const std::string& id, bool lock) {
    kernel::SqlQuery query(std::string("SELECT ") + product_columns + " FROM catalog.products p WHERE p.id = ");
    query.value(id).sql(" AND p.deleted_at IS NULL");
    if (lock && backend == kernel::Backend::postgresql) query.sql(" FOR UPDATE");
    std::optional<Product> out;
    query.each_row(session, [&](const soci::row& r) { out = product_from_row(r); });
    return out;
}

void insert_product(soci::session& session, const Product& p) {
    kernel::write_unique(session, "catalog_sku", [&] {
        StoredColumns stored(p);
        session << "INSERT INTO catalog.products (id, sku, name, description, price, currency, stock, category, tags, "
                   "created_at, updated_at, weight_grams) VALUES (:id, :sku, :name, :description, :price, :currency, "
                   ":stock, :category, :tags, :created, :updated, :weight)",
            soci::use(p.id), soci::use(p.sku), soci::use(p.name), soci::use(p.description), soci::use(p.price),
            soci::use(p.currency), soci::use(p.stock), soci::use(stored.category, stored.category_set), soci::use(stored.tags),
            soci::use(p.created_at), soci::use(p.updated_at), soci::use(stored.weight_grams, stored.weight_set);
    }, taken_sku);
    replace_tags(session, p);
}

void update_product_row(soci::session& session, const Product& p) {
    kernel::write_unique(session, "catalog_sku", [&] {
        StoredColumns stored(p);
        session << "UPDATE catalog.products SET sku = :sku, name = :name, description = :description, price = :price, "
                   "currency = :currency, category = :category, tags = :tags, weight_grams = :weight, updated_at = :updated "
                   "WHERE id = :id",
            soci::use(p.sku), soci::use(p.name), soci::use(p.description), soci::use(p.price), soci::use(p.currency),
            soci::use(stored.category, stored.category_set), soci::use(stored.tags),
            soci::use(stored.weight_grams, stored.weight_set), soci::use(p.updated_at), soci::use(p.id);
    }, taken_sku);
    replace_tags(session, p);
}

void soft_delete_product(soci::session& session, const std::string& id, const std::string& at) {
    session << "UPDATE catalog.products SET deleted_at = :at, updated_at = :at2 WHERE id = :id", soci::use(at), soci::use(at),
        soci::use(id);
    session << "DELETE FROM catalog.product_tags WHERE product_id = :id", soci::use(id);
}

void hard_delete_product(soci::session& session, const std::string& id) {
    session << "DELETE FROM catalog.product_tags WHERE product_id = :id", soci::use(id);
    session << "DELETE FROM catalog.reviews WHERE product_id = :id", soci::use(id);
    session << "DELETE FROM catalog.stock_adjustments WHERE product_id = :id", soci::use(id);
    session << "DELETE FROM catalog.products WHERE id = :id", soci::use(id);
}

Page<Product> select_products(soci::session& session, const ProductQuery& q) {
    const auto order = order_of(q.sort);
    const char sort_mark = static_cast<char>('a' + static_cast<int>(q.sort));
    kernel::SqlQuery query(std::string("SELECT ") + product_columns + " FROM catalog.products p WHERE p.deleted_at IS NULL");
    if (q.category) query.sql(" AND p.category = ").value(*q.category);
    if (q.tag) query.sql(" AND EXISTS (SELECT 1 FROM catalog.product_tags t WHERE t.product_id = p.id AND t.tag = ").value(*q.tag).sql(")");
    if (q.min_price) query.sql(" AND p.price >= ").value(*q.min_price);
    if (q.max_price) query.sql(" AND p.price <= ").value(*q.max_price);
    if (q.in_stock) query.sql(" AND p.stock > 0");
    if (!q.cursor.empty()) {
        // Keyset: rows strictly after the last one shown, in (key, id) order, so rows inserted while a
        // client walks the pages neither repeat nor push others out of sight.
        const auto after = kernel::decode_cursor(q.cursor, sort_mark);
        if (!after) throw kernel::Problem::unprocessable("the cursor is not valid", {{"cursor", "is not a cursor of this listing"}});
        const char* beyond = order.descending ? " < " : " > ";
        auto key = [&](kernel::SqlQuery& sq) -> kernel::SqlQuery& {
            if (!order.numeric) return sq.value(after->key);
            try {
                return sq.value(static_cast<std::int64_t>(std::stoll(after->key)));
            } catch (const std::exception&) {
                throw kernel::Problem::unprocessable("the cursor is not valid", {{"cursor", "is not a cursor of this listing"}});
            }
        };
        query.sql(" AND (").sql(order.column).sql(beyond);
        key(query).sql(" OR (").sql(order.column).sql(" = ");
        key(query).sql(" AND p.id").sql(beyond).value(after->id).sql("))");
    }
    const char* direction = order.descending ? " DESC" : "";
    query.sql(" ORDER BY ").sql(order.column).sql(direction).sql(", p.id").sql(direction);
    query.sql(" LIMIT ").value(static_cast<std::int64_t>(q.limit + 1));

    Page<Product> page;
    query.each_row(session, [&](const soci::row& r) { page.items.push_back(product_from_row(r)); });
    if (page.items.size() > q.limit) {
        page.items.pop_back();
        const auto& last = page.items.back();
        page.next_cursor = kernel::encode_cursor(sort_mark, sort_value(q.sort, last), last.id);
    }
    return page;
}

std::vector<Product> select_products_by_id(soci::session& session, const std::vector<std::string>& ids) {
    if (ids.empty()) return {};  // "IN ()" is no SQL
    kernel::SqlQuery query(std::string("SELECT ") + product_columns + " FROM catalog.products p WHERE p.deleted_at IS NULL AND p.id IN (");
    for (std::size_t i = 0; i < ids.size(); ++i) query.sql(i == 0 ? "" : ", ").value(ids[i]);
    query.sql(")");
    std::vector<Product> out;
    query.each_row(session, [&](const soci::row& r) { out.push_back(product_from_row(r)); });
    return out;
}

std::optional<CategoryRow> find_category(soci::session& session, const std::string& slug) {
    soci::rowset<soci::row> rows = (session.prepare << "SELECT slug, name FROM catalog.categories WHERE slug = :s", soci::use(slug));
    for (const auto& r : rows) return CategoryRow{r.get<std::string>(0), r.get<std::string>(1)};
    return std::nullopt;
}

void ensure_category_row(soci::session& session, const CategoryRow& c, const std::string& at) {
    session << "INSERT INTO catalog.categories (slug, name, created_at) VALUES (:s, :n, :at) ON CONFLICT (slug) DO NOTHING",
        soci::use(c.slug), soci::use(c.name), soci::use(at);
}

void insert_category(soci::session& session, const CategoryRow& c, const std::string& at) {
    kernel::write_unique(session, "catalog_category", [&] {
        session << "INSERT INTO catalog.categories (slug, name, created_at) VALUES (:s, :n, :at)", soci::use(c.slug),
            soci::use(c.name), soci::use(at);
    }, "a category with this slug exists");
}

std::vector<Category> select_categories(soci::session& session) {
    soci::rowset<soci::row> rows =
        (session.prepare << "SELECT c.slug, c.name, (SELECT COUNT(*) FROM catalog.products p WHERE p.category = c.slug "
                            "AND p.deleted_at IS NULL) FROM catalog.categories c ORDER BY c.name, c.slug");
    std::vector<Category> out;
    for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), kernel::row_int64(r, 2)});
    return out;
}

void add_rating(soci::session& session, const std::string& product_id, int rating, const std::string& at) {
    session << "UPDATE catalog.products SET rating_sum = rating_sum + :r, rating_count = rating_count + 1, updated_at = :at "
               "WHERE id = :id",
        soci::use(rating), soci::use(at), soci::use(product_id);
}

}  // namespace mercato::catalog
