// A PostgreSQL 15 cluster of one test's own (initdb into a temporary folder, 127.0.0.1 on a free port),
// which the test may stop abruptly and start again, as an outage of the database server would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/test_paths.hpp"

namespace mercato::test {

class PostgresCluster {
public:
    PostgresCluster();   // initdb, start, and an empty database "mercato"
    ~PostgresCluster();  // stops the server (immediate), by its data directory's pid
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    std::string url() const;
    void stop_immediately();  // pg_ctl stop -m immediate: no checkpoint, clients cut off, recovery at the next start
    void start();             // on the same port, returning once it accepts connections

private:
    void run(const std::string& program, const std::vector<std::string>& args) const;

    TempDir dir_;
    std::uint16_t port_;
    bool running_ = false;
};

}  // namespace mercato::test
