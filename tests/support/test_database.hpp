// A database for one test: a fresh SQLite folder, or a fresh PostgreSQL database dropped afterwards.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernel/db_url.hpp"
#include "kernel/migration_source.hpp"

namespace mercato::test {

class TestDatabase {
public:
    virtual ~TestDatabase() = default;
    virtual std::string url() const = 0;
    kernel::Backend backend() const { return kernel::parse_db_url(url()).backend; }
};

std::unique_ptr<TestDatabase> fresh_sqlite();
// Creates a database beside the one MERCATO_TEST_PG_URL names.
std::unique_ptr<TestDatabase> fresh_postgres();

// The database of each test of a suite in tests/suites/: a tier that links suites defines it, on
// SQLite (support/backends/sqlite_suites.cpp) or on PostgreSQL (support/backends/postgres_suites.cpp),
// so each suite is compiled once and run on both.
std::unique_ptr<TestDatabase> suite_database();

// tests/fixtures/migrations: modules alpha (items, an index in two dialects, a counter) and beta.
std::vector<kernel::MigrationFile> fixture_migrations();

}  // namespace mercato::test
