#include "http/access.hpp"

#include <fmt/format.h>

#include "kernel/problem.hpp"

namespace mercato::http {

const Principal& require_user(const Request& request) {
    if (!request.principal) throw kernel::Problem::unauthorized("sign in: this route needs a bearer token");
    return *request.principal;
}

const Principal& require_role(const Request& request, std::string_view role) {
    const Principal& principal = require_user(request);
    if (principal.role != role && principal.role != "admin") {
        throw kernel::Problem::forbidden(fmt::format("this route is for the {} role", role));
    }
    return principal;
}

}  // namespace mercato::http
