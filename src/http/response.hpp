// An HTTP response as modules build it: status, headers and body, no Beast.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mercato::kernel {
class Problem;
}

namespace mercato::http {

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    Response& set_header(std::string name, std::string value);
    // The value of a header set on this response, or "".
    std::string_view header(std::string_view name) const;

    static Response json(int status, const nlohmann::json& body);
    static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
    static Response no_content(int status = 204);
    // RFC 9457 problem+json; validation errors go in "errors":[{field,message}].
    static Response problem(const kernel::Problem& problem);
};

}  // namespace mercato::http
