// The SQLite statement cache: a statement run again on a connection is reused, and behaves as a new one.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <soci/soci.h>

#include "kernel/sqlite_statement_cache.hpp"
#include "support/fixture_db.hpp"
#include "support/test_database.hpp"

namespace {

namespace cache = mercato::kernel::sqlite_statement_cache;
using mercato::test::fixture_migrator;
using mercato::test::open_fixture_db;
using mercato::test::suite_database;

}  // namespace

TEST_CASE("a query run again on a connection reuses its compiled statement, with the new values bound") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    db->module("alpha").read([](soci::session& sql) {
        std::string name;
        sql << "SELECT 'warm' || :x", soci::use(std::string("up")), soci::into(name);
        const auto before = cache::counts();
        for (int i = 0; i < 5; ++i) {
            const std::string value = std::to_string(i);
            sql << "SELECT 'warm' || :x", soci::use(value), soci::into(name);
            CHECK(name == "warm" + value);
        }
        const auto after = cache::counts();
        CHECK(after.reused - before.reused >= 5);
        CHECK(after.compiled == before.compiled);
    });
}

TEST_CASE("a reused statement keeps no bindings, rows or errors of its last run") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    const std::string insert = "INSERT INTO alpha.items (id, name) VALUES (:id, :name)";
    db->module("alpha").write([&](soci::session& sql) { sql << insert, soci::use(std::string("a1")), soci::use(std::string("first")); });
    // The same id again: the statement fails on its constraint and goes back to the cache after.
    CHECK_THROWS(db->module("alpha").write(
        [&](soci::session& sql) { sql << insert, soci::use(std::string("a1")), soci::use(std::string("twice")); }));
    db->module("alpha").write([&](soci::session& sql) { sql << insert, soci::use(std::string("a2")), soci::use(std::string("second")); });
    db->module("alpha").read([](soci::session& sql) {
        int count = 0;
        std::string name;
        sql << "SELECT count(*) FROM alpha.items WHERE id LIKE 'a%'", soci::into(count);
        sql << "SELECT name FROM alpha.items WHERE id = 'a2'", soci::into(name);
        CHECK(count == 2);
        CHECK(name == "second");
        // A statement left mid-rows is reset: running it again starts from its first row.
        soci::rowset<std::string> names = (sql.prepare << "SELECT name FROM alpha.items ORDER BY id");
        CHECK(*names.begin() == "first");
    });
    db->module("alpha").read([](soci::session& sql) {
        soci::rowset<std::string> names = (sql.prepare << "SELECT name FROM alpha.items ORDER BY id");
        CHECK(*names.begin() == "first");
    });
}

TEST_CASE("a connection with cached statements still closes, and its file is released") {
    auto t = suite_database();
    {
        auto db = open_fixture_db(*t);
        fixture_migrator(*db).apply();
        db->module("alpha").write([](soci::session& sql) { sql << "INSERT INTO alpha.items (id, name) VALUES ('c1', 'kept')"; });
        db->module("alpha").read([](soci::session& sql) {
            int count = 0;
            sql << "SELECT count(*) FROM alpha.items WHERE id = 'c1'", soci::into(count);
            CHECK(count == 1);
        });
    }
    // sqlite3_close refuses a connection with statements left: had one been left, the WAL would
    // not have been checkpointed and removed when the last connection closed.
    const std::string dir = t->url().substr(7);
    CHECK_FALSE(std::filesystem::exists(dir + "/alpha.db-wal"));
}
