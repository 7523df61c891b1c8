// PostgreSQL only: a pooled connection that died while idle (server restart) is replaced, not failed.
#include <doctest/doctest.h>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "kernel/database.hpp"
#include "support/test_database.hpp"

using mercato::kernel::Database;
using mercato::kernel::DatabaseOptions;

namespace {

std::shared_ptr<Database> open_with_probe_after(const mercato::test::TestDatabase& t, std::chrono::milliseconds idle) {
    DatabaseOptions options;
    options.url = t.url();
    options.pool_size = 2;
    options.probe_after_idle = idle;
    return Database::open(options, {"alpha"});
}

int select_one(Database& db) {
    return db.module("alpha").read([](soci::session& sql) {
        int one = 0;
        sql << "SELECT 1", soci::into(one);
        return one;
    });
}

// What a server restart does to every open connection.
void terminate_connections(const mercato::test::TestDatabase& t) {
    soci::session admin(soci::postgresql, mercato::kernel::parse_db_url(t.url()).pg_conninfo);
    admin << "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()";
}

}  // namespace

TEST_CASE("a pooled connection killed while idle is probed and replaced before the next query") {
    auto t = mercato::test::fresh_postgres();
    auto db = open_with_probe_after(*t, std::chrono::milliseconds(0));
    CHECK(select_one(*db) == 1);
    terminate_connections(*t);
    CHECK(select_one(*db) == 1);
    CHECK(db->stats().open == 1);
}

TEST_CASE("without the idle probe the first query on a killed connection fails, then the pool recovers") {
    auto t = mercato::test::fresh_postgres();
    auto db = open_with_probe_after(*t, std::chrono::hours(1));
    CHECK(select_one(*db) == 1);
    terminate_connections(*t);
    CHECK_THROWS(select_one(*db));
    CHECK(select_one(*db) == 1);  // the broken connection was dropped when its lease ended
}
