// Wires the users module into a process: its facade, its routes, and the token check every request passes.
#pragma once

#include <memory>

#include "http/request.hpp"
#include "modules/users/api/users.hpp"
#include "modules/users/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::users {

class UsersModule {
public:
    UsersModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, UsersSettings settings);

    Users& users() { return users_; }
    void register_routes(http::Router& router);
    // Bearer access tokens to principals, from the keys in memory (never the database: it runs on I/O threads).
    http::Authenticator authenticator();

private:
    Users users_;
};

}  // namespace mercato::users
