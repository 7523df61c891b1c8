#include "modules/users/http/user_routes.hpp"

#include <initializer_list>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/users/api/users.hpp"

namespace mercato::users {

namespace {

using http::Request;
using http::Response;
using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

// The body as an object with no fields but the allowed ones: an "id" or "role" slipped into a
// request is refused, never applied.
const json& body_with(const Request& request, std::initializer_list<const char*> allowed) {
    const json& body = request.json();
    if (!body.is_object()) throw Problem::unprocessable("the body must be a JSON object");
    std::vector<FieldError> errors;
    for (const auto& [field, value] : body.items()) {
        if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return field == a; }) == allowed.end()) {
            errors.push_back({field, "is not a field of this request"});
        }
    }
    if (!errors.empty()) throw Problem::unprocessable("the request has fields it may not set", std::move(errors));
    return body;
}

// Reads fields, gathering every error before answering, so a client fixes them all at once.
class Fields {
public:
    explicit Fields(const json& body) : body_(body) {}

    std::string required(const char* name) {
        auto value = optional(name);
        if (!value && !failed(name)) errors_.push_back({name, "is required"});
        return value.value_or("");
    }

    std::optional<std::string> optional(const char* name) {
        const auto it = body_.find(name);
        if (it == body_.end() || it->is_null()) return std::nullopt;
        if (!it->is_string()) {
            errors_.push_back({name, "must be a string"});
            return std::nullopt;
        }
        return it->get<std::string>();
    }

    void check() {
        if (!errors_.empty()) throw Problem::unprocessable("the request has invalid fields", std::move(errors_));
    }

private:
    bool failed(const char* name) const {
        return std::any_of(errors_.begin(), errors_.end(), [&](const FieldError& e) { return e.field == name; });
    }

    const json& body_;
    std::vector<FieldError> errors_;
};

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
