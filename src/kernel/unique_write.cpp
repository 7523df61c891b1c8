#include "kernel/unique_write.hpp"

#include <string_view>

#include <soci/soci.h>

#include "kernel/problem.hpp"
#include "kernel/transaction_hooks.hpp"

namespace mercato::kernel {

void write_unique(soci::session& session, const std::string& savepoint, const std::function<void()>& write,
                  const std::string& conflict_detail) {
    Savepoint attempt(session, savepoint);
    try {
        write();
    } catch (const soci::soci_error& e) {
        const std::string_view what = e.what();
        if (what.find("UNIQUE") != std::string_view::npos || what.find("duplicate key") != std::string_view::npos) {
            throw Problem::conflict(conflict_detail);
        }
        throw;
    }
    attempt.release();
}

}  // namespace mercato::kernel
