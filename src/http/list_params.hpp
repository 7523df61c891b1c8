// The query parameters every list takes (limit, cursor), checked the same way on every route.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mercato::http {

class Request;

inline constexpr std::size_t default_page_limit = 20;
inline constexpr std::size_t max_page_limit = 100;

// ?limit=: default 20, at most 100; Problem 422 for anything but a whole number in 1..100.
std::size_t page_limit(const Request& request);
// ?cursor=, or "" for the first page.
std::string page_cursor(const Request& request);
// {"items": items, "next_cursor": cursor or null}.
nlohmann::json page_json(nlohmann::json items, const std::optional<std::string>& next_cursor);

}  // namespace mercato::http
