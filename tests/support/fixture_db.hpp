// The storage tests' database: the fixture modules alpha and beta (tests/fixtures/migrations) on a
// test database, their migrator, and the rows of alpha.items.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "kernel/database.hpp"
#include "kernel/migration_source.hpp"
#include "kernel/migrations.hpp"
#include "support/test_database.hpp"

namespace mercato::test {

std::shared_ptr<kernel::Database> open_fixture_db(const TestDatabase& t, std::size_t pool_size = 4,
                                                  std::chrono::milliseconds acquire_timeout = std::chrono::seconds(5));

kernel::Migrator fixture_migrator(kernel::Database& db, std::vector<kernel::MigrationFile> files = fixture_migrations());

int count_items(kernel::Database& db);

}  // namespace mercato::test
