// The search HTTP suite on PostgreSQL.
#include <doctest/doctest.h>

#include "support/test_database.hpp"

namespace {
std::unique_ptr<mercato::test::TestDatabase> suite_database() { return mercato::test::fresh_postgres(); }
}  // namespace

#include "suites/search_http_suite.inc"
