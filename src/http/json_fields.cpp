#include "http/json_fields.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "http/request.hpp"

namespace mercato::http {

using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

const json& body_object(const Request& request) {
    const json& body = request.json();
    if (!body.is_object()) throw Problem::unprocessable("the body must be a JSON object");
    return body;
}

const json& body_with(const Request& request, std::initializer_list<const char*> allowed) {
    const json& body = body_object(request);
    std::vector<FieldError> errors;
    for (const auto& [field, value] : body.items()) {
        // A named capture: clang before 16 (the fuzz build's) cannot capture structured bindings.
        if (std::find_if(allowed.begin(), allowed.end(), [&field = field](const char* a) { return field == a; }) == allowed.end()) {
            errors.push_back({field, "is not a field of this request"});
        }
    }
    if (!errors.empty()) throw Problem::unprocessable("the request has fields it may not set", std::move(errors));
    return body;
}

const json* Fields::find(const char* name) const {
    const auto it = body_.find(name);
    if (it == body_.end() || it->is_null()) return nullptr;
    return &*it;
}

bool Fields::failed(const char* name) const {
    return std::any_of(errors_.begin(), errors_.end(), [&](const FieldError& e) { return e.field == name; });
}

void Fields::missing(const char* name) {
    if (!failed(name)) errors_.push_back({name, "is required"});
}

std::string Fields::required(const char* name) {
    auto value = optional(name);
    if (!value) missing(name);
    return value.value_or("");
}

std::optional<std::string> Fields::optional(const char* name) {
    const json* value = find(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
        errors_.push_back({name, "must be a string"});
        return std::nullopt;
    }
    return value->get<std::string>();
}

std::int64_t Fields::required_integer(const char* name) {
    auto value = integer(name);
    if (!value) missing(name);
    return value.value_or(0);
}

std::optional<std::int64_t> Fields::integer(const char* name) {
    const json* value = find(name);
    if (value == nullptr) return std::nullopt;
    // 12.0 is refused with 12.5: money and counts are whole numbers, and a float in a price is a client bug.
    if (value->is_number_integer() &&
        (!value->is_number_unsigned() || value->get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max())) {
        return value->get<std::int64_t>();
    }
    errors_.push_back({name, value->is_number() ? "must be a whole number within 64 bits" : "must be a whole number"});
    return std::nullopt;
}

std::optional<std::optional<std::string>> Fields::clearable(const char* name) {
    const auto it = body_.find(name);
    if (it == body_.end()) return std::nullopt;
    if (it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) {
        errors_.push_back({name, "must be a string or null"});
        return std::nullopt;
    }
    return std::optional<std::string>{it->get<std::string>()};
}

std::optional<std::vector<std::string>> Fields::strings(const char* name) {
    const json* value = find(name);
    if (value == nullptr) return std::nullopt;
    const bool all_strings = value->is_array() && std::all_of(value->begin(), value->end(), [](const json& v) { return v.is_string(); });
    if (!all_strings) {
        errors_.push_back({name, "must be an array of strings"});
        return std::nullopt;
    }
    return value->get<std::vector<std::string>>();
}

void Fields::check() {
    kernel::check_fields(std::move(errors_));
}

}  // namespace mercato::http
