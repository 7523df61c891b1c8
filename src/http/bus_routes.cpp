#include "http/bus_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "kernel/bus/bus.hpp"

namespace mercato::http {

namespace {

using nlohmann::json;
using kernel::bus::DeadLetter;
using kernel::bus::GroupStatus;

json envelope_json(const kernel::bus::Envelope& e) {
    // The payload was checked to be a JSON object when it was published, so it is shown as one.
    return {{"id", e.id},           {"topic", e.topic},     {"key", e.key},
            {"offset", e.offset},   {"occurred_at", e.occurred_at}, {"version", e.version},
            {"payload", json::parse(e.payload, nullptr, false)}, {"traceparent", e.traceparent}};
}

json dead_letter_json(const DeadLetter& d) {
    return {{"id", d.id},         {"group", d.group},       {"event", envelope_json(d.event)}, {"error", d.error},
            {"attempts", d.attempts}, {"failed_at", d.failed_at}, {"status", d.status}};
}

json group_json(const GroupStatus& g) {
    json sources = json::array();
    for (const auto& s : g.sources) {
        sources.push_back({{"source", s.source},
                           {"committed_offset", s.committed},
                           {"head_offset", s.head},
                           {"lag", std::max<std::int64_t>(0, s.head - s.committed)}});
    }
    json letters = json::array();
    for (const auto& d : g.dead_letters) letters.push_back(dead_letter_json(d));
    return {{"group", g.group},
            {"module", g.local ? json(nullptr) : json(g.module)},
            {"local", g.local},
            {"driving", g.driving},
            {"topics", g.topics},
            {"lag", g.lag},
            {"retrying", g.retrying},
            {"sources", std::move(sources)},
            {"dead_letters", std::move(letters)}};
}

}  // namespace

void register_bus_routes(Router& router, kernel::bus::Bus& bus) {
    router.add("GET", "/v1/admin/bus", [&bus](Request& request) {
        require_role(request, "admin");
        json groups = json::array();
        for (const auto& g : bus.status()) groups.push_back(group_json(g));
        return Response::json(200, {{"groups", std::move(groups)}});
    });

    router.add("POST", "/v1/admin/bus/dead-letters/{id}/replay", [&bus](Request& request) {
        require_role(request, "admin");
        return Response::json(200, dead_letter_json(bus.replay(std::string(request.path_param("id")))));
    });
}

}  // namespace mercato::http
