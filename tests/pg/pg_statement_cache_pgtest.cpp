// PostgreSQL only: statements with values are prepared once per connection and behave as one-time queries did.
#include <doctest/doctest.h>

#include <string>

#include <soci/soci.h>

#include "kernel/database.hpp"
#include "kernel/pg_statement_cache.hpp"
#include "support/fixture_db.hpp"
#include "support/test_database.hpp"

namespace {

namespace cache = mercato::kernel::pg_statement_cache;
using mercato::kernel::Database;
using mercato::kernel::DatabaseOptions;

std::shared_ptr<Database> open_one_connection(const mercato::test::TestDatabase& t) {
    DatabaseOptions options;
    options.url = t.url();
    options.pool_size = 1;  // every call below runs on the same server session
    return Database::open(options, {"alpha", "beta"});
}

// How many of this session's prepared statements hold a text starting so.
int prepared_in_session(soci::session& sql, const std::string& start) {
    int count = 0;
    sql << "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'mercato\\_%' AND starts_with(statement, :start)",
        soci::use(start), soci::into(count);
    return count;
}

}  // namespace

TEST_CASE("a statement with values is prepared once per connection and then run by name, with each run's values") {
    auto t = mercato::test::fresh_postgres();
    auto db = open_one_connection(*t);
    mercato::test::fixture_migrator(*db).apply();
    const auto before = cache::counts();
    for (int i = 0; i < 5; ++i) {
        const std::string id = "p" + std::to_string(i);
        db->module("alpha").write([&](soci::session& sql) {
            sql << "INSERT INTO alpha.items (id, name) VALUES (:id, :name)", soci::use(id), soci::use("item " + id);
        });
    }
    const auto after = cache::counts();
    CHECK(after.prepared - before.prepared == 1);
    CHECK(after.reused - before.reused == 4);
    db->module("alpha").read([](soci::session& sql) {
        std::string name;
        sql << "SELECT name FROM alpha.items WHERE id = :id", soci::use(std::string("p3")), soci::into(name);
        CHECK(name == "item p3");
        CHECK(prepared_in_session(sql, "INSERT INTO alpha.items") == 1);
        CHECK(prepared_in_session(sql, "SELECT name FROM alpha.items") == 1);
    });
}

TEST_CASE("a prepared statement outlives a rolled-back transaction, and a failing one still reports the server's error") {
    auto t = mercato::test::fresh_postgres();
    auto db = open_one_connection(*t);
    mercato::test::fixture_migrator(*db).apply();
    const std::string insert = "INSERT INTO alpha.items (id, name) VALUES (:id, :name)";
    CHECK_THROWS_WITH(db->module("alpha").write([&](soci::session& sql) {
        sql << insert, soci::use(std::string("r1")), soci::use(std::string("first"));
        throw std::runtime_error("changed my mind");
    }), "changed my mind");
    db->module("alpha").write([&](soci::session& sql) { sql << insert, soci::use(std::string("r1")), soci::use(std::string("kept")); });
    // The same id again: the prepared statement fails on the key, with PostgreSQL's message.
    CHECK_THROWS_WITH(db->module("alpha").write([&](soci::session& sql) {
        sql << insert, soci::use(std::string("r1")), soci::use(std::string("twice"));
    }), doctest::Contains("duplicate key"));
    // Text that cannot be prepared runs as sent, and the caller gets the syntax error.
    CHECK_THROWS_WITH(db->module("alpha").read([](soci::session& sql) {
        int n = 0;
        sql << "SELEC :x", soci::use(1), soci::into(n);
    }), doctest::Contains("syntax error"));
    db->module("alpha").read([](soci::session& sql) {
        std::string name;
        sql << "SELECT name FROM alpha.items WHERE id = :id", soci::use(std::string("r1")), soci::into(name);
        CHECK(name == "kept");
    });
}
