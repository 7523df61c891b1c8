#include "kernel/unique_write.hpp"

#include <string_view>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "kernel/problem.hpp"
#include "kernel/transaction_hooks.hpp"

namespace mercato::kernel {

void write_unique(soci::session& session, const std::string& savepoint, const std::function<void()>& write,
                  const std::string& conflict_detail) {
    Savepoint attempt(session, savepoint);
    try {
        write();
    } catch (const soci::postgresql_soci_error& e) {
        // unique_violation, whatever language the server writes its messages in.
        if (e.sqlstate() == "23505") throw Problem::conflict(conflict_detail);
        throw;
    } catch (const soci::sqlite3_soci_error& e) {
        // SQLite says which constraint failed only in its message (CHECK and NOT NULL share the code).
        const bool unique = std::string_view(e.what()).find("UNIQUE constraint failed") != std::string_view::npos;
        if ((e.result() & 0xff) == SQLITE_CONSTRAINT && unique) throw Problem::conflict(conflict_detail);
        throw;
    }
    attempt.release();
}

}  // namespace mercato::kernel
