// The event bus's admin endpoints: each group's lag and dead letters, and replaying a dead letter.
#pragma once

#include "http/router.hpp"

namespace mercato::kernel::bus {
class Bus;
}

namespace mercato::http {

// GET /v1/admin/bus and POST /v1/admin/bus/dead-letters/{id}/replay, for admins.
void register_bus_routes(Router& router, kernel::bus::Bus& bus);

}  // namespace mercato::http
