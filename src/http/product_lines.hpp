// Reading a request's product lines ([{product_id, quantity}]: a cart, a return, a parcel), the
// same way on every route that takes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kernel/problem.hpp"

namespace mercato::http {

struct ProductLine {
    std::string product_id;
    std::int64_t quantity = 0;
};

// The lines at body[name], each bad field named with its index ("items[2].quantity") in errors.
// Quantities out of range are left to the caller's rules, which name the range they allow.
std::vector<ProductLine> product_lines(const nlohmann::json& body, const char* name, std::vector<kernel::FieldError>& errors);

}  // namespace mercato::http
