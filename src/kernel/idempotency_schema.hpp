// The Idempotency-Key ledger's table (<module>.idempotency_keys), as migrations of the kernel's
// "idempotency" track for each module that accepts the header.
#pragma once

#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "kernel/migrations.hpp"

namespace mercato::kernel {

// Run after the modules' own migrations: orders and payments created the table in their first
// migration, before this track existed, and the track adopts it there (IF NOT EXISTS) rather than
// changing a migration that was applied.
std::vector<Migration> idempotency_migrations(Backend backend, const std::vector<std::string>& modules);

}  // namespace mercato::kernel
