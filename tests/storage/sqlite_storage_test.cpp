// What only SQLite has: one file per module, WAL, synchronous FULL, commits shared by waiting writers.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include <soci/soci.h>

#include "support/fixture_db.hpp"
#include "support/test_database.hpp"

namespace {

using mercato::kernel::Database;
using mercato::kernel::DatabaseOptions;
using mercato::test::count_items;
using mercato::test::fixture_migrator;
using mercato::test::open_fixture_db;
using mercato::test::suite_database;

}  // namespace

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

TEST_CASE("with group commit off, every SQLite write is a commit of its own") {
    auto t = suite_database();
    DatabaseOptions options;
    options.url = t->url();
    options.group_commit = false;
    auto db = Database::open(options, {"alpha", "beta"});
    fixture_migrator(*db).apply();
    std::vector<std::thread> writers;
    for (int i = 0; i < 4; ++i) {
        writers.emplace_back([&, i] {
            for (int j = 0; j < 10; ++j) {
                const std::string id = "s" + std::to_string(i) + "_" + std::to_string(j);
                db->module("alpha").write([&](soci::session& sql) {
                    sql << "INSERT INTO alpha.items (id, name) VALUES (:id, 'single')", soci::use(id);
                });
            }
        });
    }
    for (auto& w : writers) w.join();
    CHECK(db->stats().commits == db->stats().write_transactions);
    CHECK(count_items(*db) == 41);
}
