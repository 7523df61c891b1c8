#include "modules/catalog/store/review_store.hpp"

#include <soci/soci.h>

#include "kernel/sql_values.hpp"
#include "kernel/unique_write.hpp"
#include "kernel/newest_first.hpp"

namespace mercato::catalog {

void insert_review(soci::session& session, const Review& r) {
    kernel::write_unique(session, "catalog_review", [&] {
        session << "INSERT INTO catalog.reviews (id, product_id, user_id, rating, comment, created_at) "
                   "VALUES (:id, :p, :u, :r, :c, :at)",
            soci::use(r.id), soci::use(r.product_id), soci::use(r.user_id), soci::use(r.rating), soci::use(r.comment),
            soci::use(r.created_at);
    }, "you have reviewed this product already");
}

Page<Review> select_reviews(soci::session& session, const std::string& product_id, std::size_t limit, const std::string& cursor) {
    kernel::SqlQuery query("SELECT id, product_id, user_id, rating, comment, created_at FROM catalog.reviews WHERE product_id = ");
    query.value(product_id);
    kernel::newest_first(query, cursor, 'r', limit);
    std::vector<Review> rows;
    query.each_row(session, [&](const soci::row& r) {
        rows.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                        static_cast<int>(kernel::row_int64(r, 3)), r.get<std::string>(4), r.get<std::string>(5)});
    });
    auto next = kernel::newest_first_next(rows, 'r', limit);
    return {std::move(rows), std::move(next)};
}

}  // namespace mercato::catalog
