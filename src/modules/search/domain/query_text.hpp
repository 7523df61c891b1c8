// What a client types into a search box, made safe to hand to the query parser: checked for
// length and encoding, its control characters turned into spaces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mercato::search {

inline constexpr std::size_t max_query_chars = 200;

// Problem 422 on the field q for text that is not UTF-8 or longer than max_query_chars characters.
// Text of nothing but spaces becomes "" (no search words).
std::string clean_query_text(std::string_view text);

}  // namespace mercato::search
