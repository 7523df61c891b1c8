// The bus's tables in every module's schema (outbox log, consumer offsets, processed events, dead
// letters), as migrations of the "bus" track so they evolve with a ledger of their own.
#pragma once

#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "kernel/migrations.hpp"

namespace mercato::kernel::bus {

// The bus migrations for each module, to run before the modules' own migrations.
std::vector<Migration> bus_migrations(Backend backend, const std::vector<std::string>& modules);

}  // namespace mercato::kernel::bus
