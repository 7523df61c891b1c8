#include "http/ops_routes.hpp"

#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "kernel/problem.hpp"

namespace mercato::http {

namespace {

double resident_memory_bytes() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0;
    long pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

void register_ops_routes(Router& router, kernel::MetricsRegistry& metrics, ReadinessProbe probe) {
    const RouteOptions on_io{RouteClass::ops, Execution::io_thread};
    const RouteOptions on_worker{RouteClass::ops, Execution::worker};

    metrics.gauge("process_resident_memory_bytes", "Resident memory of the server process", {}, resident_memory_bytes);

    // Load balancers call this constantly: a fixed body, not a JSON document built per call.
    router.add("GET", "/healthz", [](Request&) { return Response::text(200, R"({"status":"ok"})", "application/json"); }, on_io);

    router.add("GET", "/readyz", [probe = std::move(probe)](Request&) {
        std::vector<std::string> pending;
        try {
            pending = probe();
        } catch (const std::exception& e) {
            spdlog::warn("not ready: {}", e.what());
            throw kernel::Problem::unavailable(std::string("not ready: ") + e.what());
        }
        if (!pending.empty()) {
            throw kernel::Problem::unavailable(fmt::format("not ready: {} migration(s) pending, first {}", pending.size(), pending.front()));
        }
        return Response::json(200, {{"status", "ready"}, {"database", "ok"}, {"migrations", "applied"}});
    }, on_worker);

    router.add("GET", "/metrics", [&metrics](Request&) {
        return Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    }, on_io);

    router.add("GET", "/openapi.json", [](Request&) {
        return Response::text(200, std::string(openapi_document()), "application/json");
    }, on_io);
}

}  // namespace mercato::http
