// The suites of tests/suites/ on SQLite: the storage, module and http tiers.
#include "support/test_database.hpp"

namespace mercato::test {

std::unique_ptr<TestDatabase> suite_database() { return fresh_sqlite(); }

}  // namespace mercato::test
