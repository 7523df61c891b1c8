#include "modules/notifications/http/notification_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/list_params.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/notifications/api/notifications.hpp"

namespace mercato::notifications {

namespace {

using http::Fields;
using http::Request;
using http::Response;
using nlohmann::json;

json notification_json(const Notification& n) {
    return {{"id", n.id},
            {"user_id", n.user_id},
            {"channel", n.channel},
            {"kind", n.kind},
            {"subject", n.subject},
            {"status", n.status},
            {"order_id", n.order_id ? json(*n.order_id) : json(nullptr)},
            {"attempts", n.attempts},
            {"last_error", n.last_error.empty() ? json(nullptr) : json(n.last_error)},
            {"created_at", n.created_at},
            {"updated_at", n.updated_at}};
}

// {promotional}: the boolean at body["promotional"], 422 for anything else.
bool promotional_flag(const json& body, bool required) {
    const auto it = body.find("promotional");
    if (it == body.end() && !required) return false;
    if (it == body.end() || !it->is_boolean()) kernel::check_fields({{"promotional", "must be true or false"}});
    return it->get<bool>();
}

}  // namespace

void register_notification_routes(http::Router& router, Notifications& notifications) {
    router.add("POST", "/v1/notifications/send", [&notifications](Request& r) {
        http::require_role(r, "admin");
        const json& body = http::body_object(r);
        Fields f(body);
        AdHocMessage m;
        m.user_id = f.required("user_id");
        m.channel = f.required("channel");
        m.subject = f.optional("subject").value_or("");
        m.body = f.required("body");
        f.check();
        m.promotional = promotional_flag(body, false);
        return Response::json(202, notification_json(notifications.send(m)));
    });

    router.add("GET", "/v1/notifications/history", [&notifications](Request& r) {
        const auto& viewer = http::require_user(r);
        // Customers see their own; admins any one user's (user_id) or everyone's.
        std::optional<std::string> user_id = viewer.user_id;
        if (viewer.role == "admin") {
            const auto asked = r.query_param("user_id");
            user_id = asked ? std::optional<std::string>(std::string(*asked)) : std::nullopt;
        }
        const auto page = notifications.history(user_id, http::page_limit(r), http::page_cursor(r));
        json items = json::array();
        for (const auto& n : page.items) items.push_back(notification_json(n));
        return Response::json(200, http::page_json(std::move(items), page.next_cursor));
    });

    router.add("GET", "/v1/notifications/preferences", [&notifications](Request& r) {
        const auto& viewer = http::require_user(r);
        return Response::json(200, {{"promotional", notifications.preferences(viewer.user_id).promotional}});
    });

    router.add("PUT", "/v1/notifications/preferences", [&notifications](Request& r) {
        const auto& viewer = http::require_user(r);
        const bool promotional = promotional_flag(http::body_object(r), true);
        return Response::json(200, {{"promotional", notifications.set_preferences(viewer.user_id, {promotional}).promotional}});
    });
}

}  // namespace mercato::notifications
