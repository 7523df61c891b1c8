// Newest-first listings (reviews, the stock audit): the keyset condition a cursor adds, and the page it ends.
#pragma once

#include <string>

#include "kernel/problem.hpp"
#include "kernel/sql_query.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/domain/page_cursor.hpp"

namespace mercato::catalog {

// Appends the rows-after-the-cursor condition (when there is a cursor), the order and the limit
// (one row more than a page, to know whether another follows). Problem 422 for a foreign cursor.
inline void newest_first(kernel::SqlQuery& query, const std::string& cursor, char mark, std::size_t limit) {
    if (!cursor.empty()) {
        const auto after = decode_cursor(cursor, mark);
        if (!after) throw kernel::Problem::unprocessable("the cursor is not valid", {{"cursor", "is not a cursor of this listing"}});
        query.sql(" AND (created_at < ").value(after->key).sql(" OR (created_at = ").value(after->key);
        query.sql(" AND id < ").value(after->id).sql("))");
    }
    query.sql(" ORDER BY created_at DESC, id DESC LIMIT ").value(static_cast<std::int64_t>(limit + 1));
}

template <class T>
Page<T> newest_first_page(std::vector<T> rows, char mark, std::size_t limit) {
    Page<T> page{std::move(rows), std::nullopt};
    if (page.items.size() > limit) {
        page.items.pop_back();
        page.next_cursor = encode_cursor(mark, page.items.back().created_at, page.items.back().id);
    }
    return page;
}

}  // namespace mercato::catalog
