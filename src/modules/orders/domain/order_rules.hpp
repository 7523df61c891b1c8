// What makes an order request valid: lines, quantities and the address, checked before any stock is touched.
#pragma once

#include <string>
#include <vector>

#include "kernel/problem.hpp"
#include "modules/orders/api/orders.hpp"

namespace mercato::orders {

inline constexpr std::size_t max_lines = 100;
inline constexpr std::int64_t max_quantity = 1000;
inline constexpr std::size_t max_reason_length = 500;

std::vector<kernel::FieldError> order_problems(const NewOrder& order);
// A return's lines must be lines of the order, at most the quantity bought; a reason is required.
std::vector<kernel::FieldError> return_problems(const Order& order, const std::vector<LineRequest>& items,
                                                const std::string& reason);

}  // namespace mercato::orders
