// Reading a JSON request body field by field, gathering every error so a client fixes them all at once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kernel/problem.hpp"

namespace mercato::http {

class Request;

// The body as a JSON object (Problem 422 when it is another kind of JSON). Fields the route does not
// read are ignored, never applied.
const nlohmann::json& body_object(const Request& request);
// As body_object, but a field outside allowed is refused with 422: for routes where a stray field
// ("role", "id") is more likely an attack or a client bug than something to ignore.
const nlohmann::json& body_with(const Request& request, std::initializer_list<const char*> allowed);

class Fields {
public:
    explicit Fields(const nlohmann::json& body) : body_(body) {}

    std::string required(const char* name);
    std::optional<std::string> optional(const char* name);
    std::int64_t required_integer(const char* name);
    std::optional<std::int64_t> integer(const char* name);
    // Absent: nullopt; null: an empty inner value (the client clears the field); else the string.
    std::optional<std::optional<std::string>> clearable(const char* name);
    std::optional<std::vector<std::string>> strings(const char* name);

    // Throws Problem 422 with every error found so far.
    void check();

private:
    const nlohmann::json* find(const char* name) const;
    bool failed(const char* name) const;
    void missing(const char* name);

    const nlohmann::json& body_;
    std::vector<kernel::FieldError> errors_;
};

}  // namespace mercato::http
