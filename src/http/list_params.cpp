#include "http/list_params.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "kernel/problem.hpp"

namespace mercato::http {

std::size_t page_limit(const Request& request) {
    const auto text = request.query_param("limit");
    if (!text) return default_page_limit;
    std::size_t limit = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc{} || end != text->data() + text->size() || limit < 1 || limit > max_page_limit) {
        throw kernel::Problem::unprocessable("the query has invalid parameters", {{"limit", "must be a whole number from 1 to 100"}});
    }
    return limit;
}

std::string page_cursor(const Request& request) { return std::string(request.query_param("cursor").value_or("")); }

nlohmann::json page_json(nlohmann::json items, const std::optional<std::string>& next_cursor) {
    return {{"items", std::move(items)}, {"next_cursor", next_cursor ? nlohmann::json(*next_cursor) : nlohmann::json(nullptr)}};
}

}  // namespace mercato::http
