#include "support/fixture_db.hpp"

#include <soci/soci.h>

namespace mercato::test {

std::shared_ptr<kernel::Database> open_fixture_db(const TestDatabase& t, std::size_t pool_size,
                                                  std::chrono::milliseconds acquire_timeout) {
    kernel::DatabaseOptions options;
    options.url = t.url();
    options.pool_size = pool_size;
    options.acquire_timeout = acquire_timeout;
    return kernel::Database::open(options, {"alpha", "beta"});
}

kernel::Migrator fixture_migrator(kernel::Database& db, std::vector<kernel::MigrationFile> files) {
    return kernel::Migrator(db, kernel::plan_migrations(db.backend(), files));
}

int count_items(kernel::Database& db) {
    return db.module("alpha").read([](soci::session& sql) {
        int n = 0;
        sql << "SELECT count(*) FROM alpha.items", soci::into(n);
        return n;
    });
}

}  // namespace mercato::test
