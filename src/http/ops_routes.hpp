// Operations endpoints: /healthz, /readyz, /metrics and /openapi.json.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"
#include "kernel/metrics.hpp"

namespace mercato::http {

// The OpenAPI 3.1 document from openapi/openapi.json, compiled into the binary.
std::string_view openapi_document();

// What /readyz needs to know: throws when the database is unreachable; returns the pending migrations.
using ReadinessProbe = std::function<std::vector<std::string>()>;

void register_ops_routes(Router& router, kernel::MetricsRegistry& metrics, ReadinessProbe probe);

}  // namespace mercato::http
