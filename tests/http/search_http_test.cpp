// The search HTTP suite on SQLite.
#include <doctest/doctest.h>

#include "support/test_database.hpp"

namespace {
std::unique_ptr<mercato::test::TestDatabase> suite_database() { return mercato::test::fresh_sqlite(); }
}  // namespace

#include "suites/search_http_suite.inc"
