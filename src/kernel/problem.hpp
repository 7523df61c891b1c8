// A problem+json error (RFC 9457): what handlers throw and the HTTP layer renders.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace mercato::kernel {

struct FieldError {
    std::string field;
    std::string message;
};

class Problem : public std::runtime_error {
public:
    Problem(int status, std::string title, std::string detail = {},
            std::vector<FieldError> errors = {}, std::string type = "about:blank");

    int status() const noexcept { return status_; }
    const std::string& title() const noexcept { return title_; }
    const std::string& detail() const noexcept { return detail_; }
    const std::string& type() const noexcept { return type_; }
    const std::vector<FieldError>& errors() const noexcept { return errors_; }

    static Problem bad_request(std::string detail);
    static Problem unauthorized(std::string detail);
    static Problem forbidden(std::string detail);
    static Problem not_found(std::string detail);
    static Problem conflict(std::string detail);
    static Problem unprocessable(std::string detail, std::vector<FieldError> errors = {});
    static Problem too_many_requests(std::string detail);
    static Problem unavailable(std::string detail);

private:
    int status_;
    std::string title_;
    std::string detail_;
    std::string type_;
    std::vector<FieldError> errors_;
};

// Throws Problem 422 "the request has invalid fields" with these errors, unless there are none:
// how validation ends, after gathering every error so a client fixes them all at once.
void check_fields(std::vector<FieldError> errors);

// The problem as its application/problem+json body; validation errors go in "errors":[{field,message}].
std::string problem_json(const Problem& problem);

// The standard reason phrase for an HTTP status, used as a problem's title.
const char* status_title(int status) noexcept;

}  // namespace mercato::kernel
