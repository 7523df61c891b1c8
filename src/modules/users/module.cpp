#include "modules/users/module.hpp"

#include "modules/users/http/user_routes.hpp"

namespace mercato::users {

UsersModule::UsersModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, UsersSettings settings)
    : users_(std::move(db), bus, std::move(settings)) {}

void UsersModule::register_routes(http::Router& router) { register_user_routes(router, users_); }

http::Authenticator UsersModule::authenticator() {
    return [this](std::string_view token) -> std::optional<http::Principal> {
        auto identity = users_.verify_access_token(token);
        if (!identity) return std::nullopt;
        return http::Principal{std::move(identity->user_id), std::move(identity->role)};
    };
}

}  // namespace mercato::users
