#include "modules/users/http/user_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/users/api/users.hpp"

namespace mercato::users {

namespace {

using http::Fields;
using http::Request;
using http::body_with;
using http::Response;
using kernel::Problem;
using nlohmann::json;

json profile_json(const Profile& p) {
    return {{"id", p.id}, {"email", p.email}, {"name", p.name}, {"role", p.role}, {"created_at", p.created_at}};
}

Response tokens_response(const TokenPair& t) {
    return Response::json(200, {{"access_token", t.access_token},
                                {"token_type", "Bearer"},
                                {"expires_in", t.expires_in},
                                {"refresh_token", t.refresh_token}});
}

}  // namespace

void register_user_routes(http::Router& router, Users& users) {
    const http::RouteOptions sign_in{http::RouteClass::auth};

    router.add("POST", "/v1/users/register", [&users](Request& r) {
        Fields f(body_with(r, {"email", "password", "name"}));
        const auto email = f.required("email");
        const auto password = f.required("password");
        const auto name = f.required("name");
        f.check();
        return Response::json(201, profile_json(users.register_user(email, password, name)));
    }, sign_in);

    router.add("POST", "/v1/users/login", [&users](Request& r) {
        Fields f(body_with(r, {"email", "password"}));
        const auto email = f.required("email");
        const auto password = f.required("password");
        f.check();
        try {
            return tokens_response(users.login(email, password, r.client_address));
        } catch (const SignInThrottled& e) {
            auto response = Response::problem(Problem::too_many_requests(e.what()));
            response.set_header("Retry-After", std::to_string(e.retry_after_seconds));
            return response;
        }
    }, sign_in);

    router.add("POST", "/v1/users/token/refresh", [&users](Request& r) {
        Fields f(body_with(r, {"refresh_token"}));
        const auto token = f.required("refresh_token");
        f.check();
        return tokens_response(users.refresh(token));
    }, sign_in);

    router.add("POST", "/v1/users/logout", [&users](Request& r) {
        const auto& principal = http::require_user(r);
        Fields f(body_with(r, {"refresh_token"}));
        const auto token = f.required("refresh_token");
        f.check();
        users.logout(principal.user_id, token);
        return Response::no_content();
    });

    router.add("GET", "/v1/users/profile", [&users](Request& r) {
        return Response::json(200, profile_json(users.profile(http::require_user(r).user_id)));
    });

    router.add("PUT", "/v1/users/update", [&users](Request& r) {
        const auto& principal = http::require_user(r);
        Fields f(body_with(r, {"name", "email"}));
        ProfileChange change{f.optional("name"), f.optional("email")};
        f.check();
        return Response::json(200, profile_json(users.update_profile(principal.user_id, change)));
    });

    router.add("POST", "/v1/users/password", [&users](Request& r) {
        const auto& principal = http::require_user(r);
        Fields f(body_with(r, {"current_password", "new_password"}));
        const auto current = f.required("current_password");
        const auto next = f.required("new_password");
        f.check();
        users.change_password(principal.user_id, current, next);
        return Response::no_content();
    }, sign_in);

    router.add("POST", "/v1/users/password/reset-request", [&users](Request& r) {
        Fields f(body_with(r, {"email"}));
        const auto email = f.required("email");
        f.check();
        users.request_password_reset(email);
        return Response::json(202, {{"status", "accepted"}});
    }, sign_in);

    router.add("POST", "/v1/users/password/reset", [&users](Request& r) {
        Fields f(body_with(r, {"token", "new_password"}));
        const auto token = f.required("token");
        const auto next = f.required("new_password");
        f.check();
        users.reset_password(token, next);
        return Response::no_content();
    }, sign_in);

    // Other services verify access tokens with these keys; reading them needs no database.
    router.add("GET", "/.well-known/jwks.json", [&users](Request&) {
        auto response = Response::text(200, users.jwks(), "application/json");
        response.set_header("Cache-Control", "public, max-age=300");
        return response;
    }, {http::RouteClass::read, http::Execution::io_thread});
}

}  // namespace mercato::users
