// The users module's HTTP surface: /v1/users/... (API.md, Users) and /.well-known/jwks.json.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::users {

class Users;

void register_user_routes(http::Router& router, Users& users);

}  // namespace mercato::users
