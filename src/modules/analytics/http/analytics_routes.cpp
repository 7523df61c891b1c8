#include "modules/analytics/http/analytics_routes.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/router.hpp"
#include "kernel/feature_flags.hpp"
#include "kernel/problem.hpp"
#include "modules/analytics/api/analytics.hpp"
#include "modules/analytics/domain/report_csv.hpp"

namespace mercato::analytics {

namespace {

using http::Fields;
using http::Request;
using http::Response;
using nlohmann::json;

std::optional<std::string> param(const Request& r, const char* name) {
    const auto value = r.query_param(name);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

}  // namespace

void register_analytics_routes(http::Router& router, Analytics& analytics) {
    // Anyone may send events (anonymous visitors too); the write rate limit per client address bounds a flood.
    router.add("POST", "/v1/analytics/event", [&analytics](Request& r) {
        const json& body = http::body_object(r);
        Fields f(body);
        ClientEvent e;
        e.type = f.required("type");
        e.session_id = f.optional("session_id");
        e.product_id = f.optional("product_id");
        f.check();
        if (const auto properties = body.find("properties"); properties != body.end() && !properties->is_null()) {
            if (!properties->is_object()) kernel::check_fields({{"properties", "must be an object"}});
            e.properties = properties->dump();
        }
        if (r.principal) e.user_id = r.principal->user_id;
        // A visitor's session is the stable id their answers follow until they sign in.
        if (!r.principal && e.session_id) r.feature_subject = *e.session_id;
        for (const auto flag : r.features().flags()) r.feature_enabled(flag);
        e.features = r.features_seen();
        analytics.record(e);
        return Response::json(202, {{"status", "accepted"}});
    });

    router.add("GET", "/v1/analytics/report", [&analytics](Request& r) {
        http::require_role(r, "admin");
        ReportQuery q;
        q.type = param(r, "type").value_or("");
        q.from = param(r, "from");
        q.to = param(r, "to");
        q.currency = param(r, "currency");
        q.feature = param(r, "feature");
        if (const auto limit = param(r, "limit")) {
            const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), q.limit);
            if (ec != std::errc() || end != limit->data() + limit->size()) kernel::check_fields({{"limit", "must be 1 to 100"}});
        }
        const auto format = param(r, "format").value_or("json");
        if (format != "json" && format != "csv") kernel::check_fields({{"format", "must be json or csv"}});
        const json report = analytics.report(q);
        if (format == "csv") return Response::text(200, report_csv(q.type, report), "text/csv; charset=utf-8");
        return Response::json(200, report);
    });
}

}  // namespace mercato::analytics
