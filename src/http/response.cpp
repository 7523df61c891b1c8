#include "http/response.hpp"

#include <nlohmann/json.hpp>

#include "http/text.hpp"
#include "kernel/problem.hpp"

namespace mercato::http {

Response& Response::set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

std::string_view Response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return {};
}

Response Response::json(int status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

Response Response::no_content(int status) {
    Response r;
    r.status = status;
    r.content_type.clear();
    return r;
}

Response Response::problem(const kernel::Problem& problem) {
    return text(problem.status(), kernel::problem_json(problem), "application/problem+json");
}

}  // namespace mercato::http
