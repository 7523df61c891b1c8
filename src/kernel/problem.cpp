#include "kernel/problem.hpp"

#include <nlohmann/json.hpp>

namespace mercato::kernel {

Problem::Problem(int status, std::string title, std::string detail,
                 std::vector<FieldError> errors, std::string type)
    : std::runtime_error(detail.empty() ? title : detail),
      status_(status),
      title_(std::move(title)),
      detail_(std::move(detail)),
      type_(std::move(type)),
      errors_(std::move(errors)) {}

namespace {
Problem make(int status, std::string detail, std::vector<FieldError> errors = {}) {
    return Problem(status, status_title(status), std::move(detail), std::move(errors));
}
}  // namespace

Problem Problem::bad_request(std::string detail) { return make(400, std::move(detail)); }
Problem Problem::unauthorized(std::string detail) { return make(401, std::move(detail)); }
Problem Problem::forbidden(std::string detail) { return make(403, std::move(detail)); }
Problem Problem::not_found(std::string detail) { return make(404, std::move(detail)); }
Problem Problem::conflict(std::string detail) { return make(409, std::move(detail)); }
Problem Problem::unprocessable(std::string detail, std::vector<FieldError> errors) {
    return make(422, std::move(detail), std::move(errors));
}
Problem Problem::too_many_requests(std::string detail) { return make(429, std::move(detail)); }
Problem Problem::unavailable(std::string detail) { return make(503, std::move(detail)); }

const char* status_title(int status) noexcept {
    switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 402: return "Payment Required";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        default: return status >= 500 ? "Server Error" : "Client Error";
    }
}

void check_fields(std::vector<FieldError> errors) {
    if (!errors.empty()) throw Problem::unprocessable("the request has invalid fields", std::move(errors));
}

std::string problem_json(const Problem& problem) {
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
    // A detail may quote the client's bytes (a JSON parse error does): one that is not UTF-8 must
    // still make an answer, not an exception out of the error path (found by fuzz_json_bodies).
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mercato::kernel
