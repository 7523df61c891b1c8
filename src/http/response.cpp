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
    nlohmann::json body = {
        {"type", problem.type()},
        {"title", problem.title()},
        {"status", problem.status()},
        {"detail", problem.detail().empty() ? problem.title() : problem.detail()},
    };
    if (!problem.errors().empty()) {
        auto& errors = body["errors"] = nlohmann::json::array();
        for (const auto& e : problem.errors()) errors.push_back({{"field", e.field}, {"message", e.message}});
    }
    Response r = json(problem.status(), body);
    r.content_type = "application/problem+json";
    return r;
}

}  // namespace mercato::http
