// The search module suite on PostgreSQL (a fresh database per test in the cluster `make test` starts).
#include <doctest/doctest.h>

#include "support/test_database.hpp"

namespace {
std::unique_ptr<mercato::test::TestDatabase> suite_database() { return mercato::test::fresh_postgres(); }
}  // namespace

#include "suites/search_suite.inc"
