#include "support/module_database.hpp"

#include <algorithm>

#include "kernel/bus/bus_schema.hpp"
#include "kernel/migration_source.hpp"
#include "kernel/migrations.hpp"

namespace mercato::test {

std::shared_ptr<kernel::Database> open_module_database(const TestDatabase& t, const std::vector<std::string>& modules,
                                                       std::size_t pool_size) {
    kernel::DatabaseOptions options;
    options.url = t.url();
    options.pool_size = pool_size;
    auto db = kernel::Database::open(options, modules);
    auto plan = kernel::bus::bus_migrations(db->backend(), db->modules());
    for (auto& m : kernel::plan_migrations(db->backend(), kernel::embedded_migrations())) {
        if (std::find(modules.begin(), modules.end(), m.module) != modules.end()) plan.push_back(std::move(m));
    }
    kernel::Migrator(*db, std::move(plan)).apply();
    return db;
}

}  // namespace mercato::test
