// Newest-first listings (reviews, the stock audit, orders): the keyset condition a cursor adds over
// (created_at, id), and the cursor of the page that follows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel/page_cursor.hpp"
#include "kernel/problem.hpp"
#include "kernel/sql_query.hpp"

namespace mercato::kernel {

// Appends the rows-after-the-cursor condition (when there is a cursor), the order and the limit
// (one row more than a page, to know whether another follows). Problem 422 for a foreign cursor.
inline void newest_first(SqlQuery& query, const std::string& cursor, char mark, std::size_t limit) {
    if (!cursor.empty()) {
        const auto after = decode_cursor(cursor, mark);
        if (!after) throw Problem::unprocessable("the cursor is not valid", {{"cursor", "is not a cursor of this listing"}});
        query.sql(" AND (created_at < ").value(after->key).sql(" OR (created_at = ").value(after->key);
        query.sql(" AND id < ").value(after->id).sql("))");
    }
    query.sql(" ORDER BY created_at DESC, id DESC LIMIT ").value(static_cast<std::int64_t>(limit + 1));
}

// Drops the extra row newest_first asked for and returns the next page's cursor, or nullopt on the last page.
template <class T>
std::optional<std::string> newest_first_next(std::vector<T>& rows, char mark, std::size_t limit) {
    if (rows.size() <= limit) return std::nullopt;
    rows.pop_back();
    return encode_cursor(mark, rows.back().created_at, rows.back().id);
}

}  // namespace mercato::kernel
