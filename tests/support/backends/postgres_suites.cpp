// The suites of tests/suites/ on PostgreSQL (a fresh database per test in the cluster `make test`
// starts): the pg tier.
#include "support/test_database.hpp"

namespace mercato::test {

std::unique_ptr<TestDatabase> suite_database() { return fresh_postgres(); }

}  // namespace mercato::test
