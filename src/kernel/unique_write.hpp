// Writes that a unique index may refuse (a taken email, sku or slug), turned into a clean 409.
#pragma once

#include <functional>
#include <string>

namespace soci {
class session;
}

namespace mercato::kernel {

// Runs write in a savepoint; when a unique constraint refuses it, the savepoint is rolled back (so
// on PostgreSQL the transaction survives) and Problem 409 with conflict_detail is thrown. Other
// errors pass through. The index decides, so two writers racing for one value cannot both win.
void write_unique(soci::session& session, const std::string& savepoint, const std::function<void()>& write,
                  const std::string& conflict_detail);

}  // namespace mercato::kernel
