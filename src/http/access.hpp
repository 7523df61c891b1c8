// Who may call a route: the checks handlers make on the request's principal (401 without one, 403 for the wrong role).
#pragma once

#include <string_view>

#include "http/request.hpp"

namespace mercato::http {

// The signed-in caller; Problem 401 when the request carries no valid bearer token.
const Principal& require_user(const Request& request);

// The signed-in caller when they have this role (admins pass every role check); else 401 or 403.
const Principal& require_role(const Request& request, std::string_view role);

}  // namespace mercato::http
