// The storage suite on SQLite, plus what only SQLite has: one file per module, WAL, synchronous FULL.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/test_database.hpp"

namespace {
std::unique_ptr<mercato::test::TestDatabase> suite_database() { return mercato::test::fresh_sqlite(); }
}  // namespace

#include "suites/storage_suite.inc"

TEST_CASE("each module gets its own SQLite file, in WAL mode with synchronous FULL") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    const std::string dir = t->url().substr(7);
    CHECK(std::filesystem::exists(dir + "/alpha.db"));
    CHECK(std::filesystem::exists(dir + "/beta.db"));
    db->module("beta").read([](soci::session& sql) {
        std::string journal;
        int synchronous = 0;
        sql << "PRAGMA beta.journal_mode", soci::into(journal);
        sql << "PRAGMA beta.synchronous", soci::into(synchronous);
        CHECK(journal == "wal");
        CHECK(synchronous == 2);  // FULL
    });
}
