#include "support/postgres_cluster.hpp"

#include <filesystem>

#include <doctest/doctest.h>
#include <pwd.h>
#include <unistd.h>

#include "support/child_process.hpp"
#include "support/silent_port.hpp"

namespace mercato::test {

namespace {

const std::filesystem::path pg_bin = "/usr/lib/postgresql/15/bin";

}  // namespace

PostgresCluster::PostgresCluster() : port_(free_port()) {
    // PostgreSQL refuses to run as root: then its folder belongs to the postgres user, which must also
    // be able to reach it.
    const auto data_parent = dir_.path() / "pg";
    std::filesystem::create_directory(data_parent);
    if (::geteuid() == 0) {
        const passwd* pg = ::getpwnam("postgres");
        REQUIRE(pg != nullptr);
        std::filesystem::permissions(dir_.path(), std::filesystem::perms::owner_all | std::filesystem::perms::others_exec |
                                                      std::filesystem::perms::group_exec);
        REQUIRE(::chown(data_parent.c_str(), pg->pw_uid, pg->pw_gid) == 0);
    }
    run("initdb", {"-D", (data_parent / "data").string(), "-U", "mercato", "--auth=trust", "-E", "UTF8", "--no-sync"});
    start();
    run("createdb", {"-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "mercato", "mercato"});
}

PostgresCluster::~PostgresCluster() {
    if (running_) {
        try {
            stop_immediately();
        } catch (...) {
            // A destructor must not throw; the folder goes with the test either way.
        }
    }
}

std::string PostgresCluster::url() const { return "postgresql://mercato@127.0.0.1:" + std::to_string(port_) + "/mercato"; }

void PostgresCluster::start() {
    const auto parent = (dir_.path() / "pg").string();
    run("pg_ctl", {"start", "-w", "-t", "30", "-D", parent + "/data", "-l", parent + "/postgres.log", "-o",
                   "-h 127.0.0.1 -p " + std::to_string(port_) + " -k " + parent + " -c fsync=off -c max_connections=100"});
    running_ = true;
}

void PostgresCluster::stop_immediately() {
    run("pg_ctl", {"stop", "-w", "-m", "immediate", "-D", (dir_.path() / "pg" / "data").string()});
    running_ = false;
}

void PostgresCluster::run(const std::string& program, const std::vector<std::string>& args) const {
    std::vector<std::string> argv;
    std::filesystem::path exe = pg_bin / program;
    if (::geteuid() == 0) {
        argv = {"-u", "postgres", "--", exe.string()};
        exe = "/usr/sbin/runuser";
    }
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess child(exe, argv);
    const auto code = child.wait(std::chrono::seconds(60));
    INFO(program << ": " << child.output() << child.errors());
    REQUIRE(code == 0);
}

}  // namespace mercato::test
