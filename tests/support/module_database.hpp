// A test's database for some of the real modules: opened for them, with the bus's tables and the
// modules' own migrations applied, as a server would before it serves.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kernel/database.hpp"
#include "support/test_database.hpp"

namespace mercato::test {

std::shared_ptr<kernel::Database> open_module_database(const TestDatabase& t, const std::vector<std::string>& modules,
                                                       std::size_t pool_size);

}  // namespace mercato::test
