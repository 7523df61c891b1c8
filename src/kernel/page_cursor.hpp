// The opaque cursors of keyset-paged listings: the sort key and id of the last row a page showed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mercato::kernel {

struct CursorPosition {
    std::string key;  // the sort column's value, as text
    std::string id;
};

// sort_mark names the listing's order, so a cursor cannot be replayed against another sort.
std::string encode_cursor(char sort_mark, std::string_view key, std::string_view id);
// nullopt for text that is not a cursor, or is one of another order.
std::optional<CursorPosition> decode_cursor(std::string_view cursor, char sort_mark);

}  // namespace mercato::kernel
