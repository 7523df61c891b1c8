#include "http/product_lines.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mercato::http {

std::vector<ProductLine> product_lines(const nlohmann::json& body, const char* name, std::vector<kernel::FieldError>& errors) {
    std::vector<ProductLine> out;
    const auto it = body.find(name);
    if (it == body.end() || !it->is_array()) {
        errors.push_back({name, "must be an array of {product_id, quantity}"});
        return out;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        const nlohmann::json& line = (*it)[i];
        const std::string at = fmt::format("{}[{}]", name, i);
        if (!line.is_object()) {
            errors.push_back({at, "must be an object {product_id, quantity}"});
            continue;
        }
        ProductLine l;
        const auto id = line.find("product_id");
        if (id == line.end() || !id->is_string()) errors.push_back({at + ".product_id", "must be a string"});
        else l.product_id = id->get<std::string>();
        const auto quantity = line.find("quantity");
        if (quantity == line.end() || !quantity->is_number_integer()) errors.push_back({at + ".quantity", "must be a whole number"});
        else if (quantity->is_number_unsigned()) l.quantity = static_cast<std::int64_t>(std::min<std::uint64_t>(quantity->get<std::uint64_t>(), INT64_MAX));
        else l.quantity = quantity->get<std::int64_t>();
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace mercato::http
