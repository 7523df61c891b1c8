#include "modules/orders/domain/order_rules.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "kernel/country.hpp"

namespace mercato::orders {

namespace {

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

void text_field(std::vector<kernel::FieldError>& errors, const char* field, const std::string& value, std::size_t max,
                bool required) {
    if (required && blank(value)) errors.push_back({field, "is required"});
    else if (value.size() > max) errors.push_back({field, fmt::format("must be at most {} characters", max)});
}

}  // namespace

std::vector<kernel::FieldError> order_problems(const NewOrder& order) {
    std::vector<kernel::FieldError> errors;
    if (order.items.empty()) errors.push_back({"items", "must hold at least one line"});
    if (order.items.size() > max_lines) errors.push_back({"items", fmt::format("must hold at most {} lines", max_lines)});
    std::set<std::string> seen;
    for (std::size_t i = 0; i < order.items.size() && i < max_lines; ++i) {
        const auto& line = order.items[i];
        const std::string at = fmt::format("items[{}]", i);
        if (line.product_id.empty()) errors.push_back({at + ".product_id", "is required"});
        else if (!seen.insert(line.product_id).second) errors.push_back({at + ".product_id", "appears on another line"});
        if (line.quantity < 1 || line.quantity > max_quantity) {
            errors.push_back({at + ".quantity", fmt::format("must be a whole number from 1 to {}", max_quantity)});
        }
    }
    const auto& a = order.shipping_address;
    text_field(errors, "shipping_address.name", a.name, 100, true);
    text_field(errors, "shipping_address.line1", a.line1, 200, true);
    text_field(errors, "shipping_address.line2", a.line2, 200, false);
    text_field(errors, "shipping_address.city", a.city, 100, true);
    text_field(errors, "shipping_address.postal_code", a.postal_code, 20, true);
    if (!kernel::is_country(a.country)) {
        errors.push_back({"shipping_address.country", "must be an ISO 3166-1 alpha-2 code such as DE"});
    }
    if (order.shipping_option) text_field(errors, "shipping_option", *order.shipping_option, 64, true);
    return errors;
}

std::vector<kernel::FieldError> return_problems(const Order& order, const std::vector<LineRequest>& items,
                                                const std::string& reason) {
    std::vector<kernel::FieldError> errors;
    if (items.empty()) errors.push_back({"items", "must hold at least one line"});
    std::set<std::string> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string at = fmt::format("items[{}]", i);
        const auto bought = std::find_if(order.items.begin(), order.items.end(),
                                         [&](const OrderLine& l) { return l.product_id == items[i].product_id; });
        if (bought == order.items.end()) {
            errors.push_back({at + ".product_id", "is not a line of this order"});
        } else if (!seen.insert(items[i].product_id).second) {
            errors.push_back({at + ".product_id", "appears on another line"});
        } else if (items[i].quantity < 1 || items[i].quantity > bought->quantity) {
            errors.push_back({at + ".quantity", fmt::format("must be from 1 to the {} bought", bought->quantity)});
        }
    }
    text_field(errors, "reason", reason, max_reason_length, true);
    return errors;
}

}  // namespace mercato::orders
