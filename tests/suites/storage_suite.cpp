// The storage suite: database access and migrations, run on SQLite (tests/storage) and on
// PostgreSQL (tests/pg). The tier that links it defines suite_database()
// for its backend.

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include <fmt/format.h>
#include <soci/soci.h>

#include "kernel/database.hpp"
#include "kernel/idempotency_schema.hpp"
#include "kernel/migrations.hpp"
#include "kernel/problem.hpp"
#include "support/fixture_db.hpp"
#include "support/test_database.hpp"

using mercato::test::suite_database;

namespace {

using mercato::kernel::Backend;
using mercato::kernel::Database;
using mercato::kernel::MigrationFile;
using mercato::kernel::Migrator;

using mercato::test::count_items;
using mercato::test::fixture_migrator;
using mercato::test::open_fixture_db;

}  // namespace

TEST_CASE("migrations apply in order once, and a second run applies nothing") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    auto migrator = fixture_migrator(*db);
    CHECK(migrator.pending() == std::vector<std::string>{"alpha/0001_create_items", "alpha/0002_items_name_index",
                                                         "alpha/0003_counter", "beta/0001_create_things"});
    CHECK(migrator.apply().size() == 4);
    CHECK(migrator.pending().empty());
    CHECK(migrator.apply().empty());
    CHECK(count_items(*db) == 1);  // the seed row was inserted once, not twice
}

TEST_CASE("the dialect-specific migration is the one applied on each backend") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    const int indexes = db->module("alpha").read([&](soci::session& sql) {
        int n = 0;
        if (db->backend() == Backend::postgresql) {
            sql << "SELECT count(*) FROM pg_indexes WHERE schemaname = 'alpha' AND indexname = 'items_name'", soci::into(n);
        } else {
            sql << "SELECT count(*) FROM alpha.sqlite_master WHERE type = 'index' AND name = 'items_name'", soci::into(n);
        }
        return n;
    });
    CHECK(indexes == 1);
}

TEST_CASE("a committed write is visible to later reads through schema-qualified SQL") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    db->module("alpha").write([](soci::session& sql) {
        sql << "INSERT INTO alpha.items (id, name, qty) VALUES ('a1', 'lamp', 3)";
    });
    const std::string name = db->module("alpha").read([](soci::session& sql) {
        std::string n;
        sql << "SELECT name FROM alpha.items WHERE id = 'a1'", soci::into(n);
        return n;
    });
    CHECK(name == "lamp");
}

TEST_CASE("a write that throws is rolled back whole") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    CHECK_THROWS_AS(db->module("alpha").write([](soci::session& sql) {
        sql << "INSERT INTO alpha.items (id, name) VALUES ('a2', 'first half')";
        throw std::runtime_error("the second half failed");
    }),
                    std::runtime_error);
    CHECK(count_items(*db) == 1);
    // The connection that rolled back is usable again.
    db->module("alpha").write([](soci::session& sql) { sql << "INSERT INTO alpha.items (id, name) VALUES ('a3', 'ok')"; });
    CHECK(count_items(*db) == 2);
}

TEST_CASE("an applied migration whose file changed stops the migrator, naming it") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    auto files = mercato::test::fixture_migrations();
    fixture_migrator(*db, files).apply();
    for (auto& f : files) {
        if (f.path == "beta/0001_create_things.sql") f.content += "\n-- edited after release\n";
    }
    auto edited = fixture_migrator(*db, files);
    CHECK_THROWS_WITH_AS(edited.pending(), doctest::Contains("beta/0001_create_things"), mercato::kernel::MigrationError);
    CHECK_THROWS_AS(edited.apply(), mercato::kernel::MigrationError);
}

TEST_CASE("a failing migration leaves no trace and stays pending") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    std::vector<MigrationFile> files = {
        {"alpha/0001_create_items.sql", "CREATE TABLE alpha.items (id TEXT PRIMARY KEY, name TEXT, qty INTEGER);"},
        {"alpha/0002_broken.sql", "CREATE TABLE alpha.half (id INTEGER);\nINSERT INTO alpha.missing VALUES (1);"},
    };
    auto migrator = fixture_migrator(*db, files);
    CHECK_THROWS_WITH_AS(migrator.apply(), doctest::Contains("alpha/0002_broken"), mercato::kernel::MigrationError);
    CHECK(migrator.pending() == std::vector<std::string>{"alpha/0002_broken"});
    const bool half_exists = db->module("alpha").read([&](soci::session& sql) {
        int n = 0;
        if (db->backend() == Backend::postgresql) {
            sql << "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'alpha' AND table_name = 'half'",
                soci::into(n);
        } else {
            sql << "SELECT count(*) FROM alpha.sqlite_master WHERE name = 'half'", soci::into(n);
        }
        return n > 0;
    });
    CHECK_FALSE(half_exists);
}

TEST_CASE("two server copies migrating one database at once apply each migration once") {
    auto t = suite_database();
    auto first = open_fixture_db(*t);
    auto second = open_fixture_db(*t);
    auto run_first = std::async(std::launch::async, [&] { return fixture_migrator(*first).apply().size(); });
    auto run_second = std::async(std::launch::async, [&] { return fixture_migrator(*second).apply().size(); });
    CHECK(run_first.get() + run_second.get() == 4);
    CHECK(count_items(*first) == 1);
}

TEST_CASE("concurrent writers to one module, from two server copies, never fail and lose no update") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    auto other_copy = open_fixture_db(*t);  // its own write lock: the two meet only in the database
    fixture_migrator(*db).apply();
    constexpr int threads = 4;
    constexpr int per_thread = 50;
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < threads; ++i) {
        writers.emplace_back([&, i] {
            Database& copy = i % 2 == 0 ? *db : *other_copy;
            for (int j = 0; j < per_thread; ++j) {
                try {
                    copy.module("alpha").write([](soci::session& sql) { sql << "UPDATE alpha.counter SET n = n + 1 WHERE id = 1"; });
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& w : writers) w.join();
    const int n = db->module("alpha").read([](soci::session& sql) {
        int v = 0;
        sql << "SELECT n FROM alpha.counter WHERE id = 1", soci::into(v);
        return v;
    });
    CHECK(failures == 0);
    CHECK(n == threads * per_thread);
}

TEST_CASE("with every connection taken, a caller gets 503 once the acquire deadline passes") {
    auto t = suite_database();
    auto db = open_fixture_db(*t, 1, std::chrono::milliseconds(200));
    std::promise<void> holding;
    std::promise<void> release;
    auto holder = std::async(std::launch::async, [&] {
        db->module("alpha").read([&](soci::session&) {
            holding.set_value();
            release.get_future().wait();
        });
    });
    holding.get_future().wait();
    try {
        db->module("alpha").read([](soci::session&) {});
        FAIL("a connection was handed out although the pool was exhausted");
    } catch (const mercato::kernel::Problem& p) {
        CHECK(p.status() == 503);
    }
    release.set_value();
    holder.get();
    CHECK(db->stats().acquire_timeouts == 1);
    CHECK_NOTHROW(db->module("alpha").read([](soci::session&) {}));
}

TEST_CASE("a module not served by the database is refused") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    CHECK_THROWS_AS(db->module("gamma"), std::invalid_argument);
}

TEST_CASE("a write whose SQL error was caught inside it is not reported as stored on PostgreSQL") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    auto insert_twice = [](soci::session& sql) {
        sql << "INSERT INTO alpha.items (id, name) VALUES ('dup', 'first')";
        try {
            sql << "INSERT INTO alpha.items (id, name) VALUES ('dup', 'again')";
        } catch (const soci::soci_error&) {
            // A caller treating the duplicate as harmless.
        }
    };
    if (db->backend() == Backend::postgresql) {
        // PostgreSQL aborted the transaction at the duplicate: COMMIT would silently roll back.
        CHECK_THROWS(db->module("alpha").write(insert_twice));
        CHECK(count_items(*db) == 1);
    } else {
        // SQLite undoes only the failed statement, so the first insert really is stored.
        CHECK_NOTHROW(db->module("alpha").write(insert_twice));
        CHECK(count_items(*db) == 2);
    }
}

TEST_CASE("a migration that creates a table outside its module's schema is refused and rolled back") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    std::vector<MigrationFile> files = {
        {"alpha/0001_unqualified.sql", "CREATE TABLE alpha.fine (id INTEGER);\nCREATE TABLE stray (id INTEGER);"},
    };
    auto migrator = fixture_migrator(*db, files);
    CHECK_THROWS_WITH_AS(migrator.apply(), doctest::Contains("outside schema 'alpha'"), mercato::kernel::MigrationError);
    CHECK(migrator.pending() == std::vector<std::string>{"alpha/0001_unqualified"});
}

TEST_CASE("the idempotency track makes the key table where a module has none and adopts one its own migration made") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    // alpha stands for orders and payments, whose first migration created the table before the track existed.
    db->module("alpha").write([](soci::session& sql) {
        sql << "CREATE TABLE alpha.idempotency_keys (user_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, "
               "request_hash TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')), "
               "response_status INTEGER, response_body TEXT, claimed_at TEXT NOT NULL, expires_at TEXT NOT NULL, "
               "PRIMARY KEY (user_id, idempotency_key))";
        sql << "INSERT INTO alpha.idempotency_keys VALUES ('usr_1', 'k1', 'h', 'done', 201, '{}', 't', 't')";
    });
    Migrator track(*db, mercato::kernel::idempotency_migrations(db->backend(), {"alpha", "beta"}));
    CHECK(track.pending() == std::vector<std::string>{"alpha/idempotency/0001_idempotency_keys",
                                                      "beta/idempotency/0001_idempotency_keys"});
    CHECK(track.apply().size() == 2);
    CHECK(track.apply().empty());
    const auto keys = [&](const char* module) {
        return db->module(module).read([&](soci::session& sql) {
            int n = -1;
            sql << fmt::format("SELECT count(*) FROM {}.idempotency_keys", module), soci::into(n);
            return n;
        });
    };
    CHECK(keys("alpha") == 1);  // the adopted table kept its key
    CHECK(keys("beta") == 0);   // made by the track
}

TEST_CASE("writers waiting together keep their own outcome: one's failure undoes only its own work") {
    auto t = suite_database();
    auto db = open_fixture_db(*t);
    fixture_migrator(*db).apply();
    constexpr int threads = 8;
    constexpr int per_thread = 40;
    std::atomic<int> refused{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < threads; ++i) {
        writers.emplace_back([&, i] {
            for (int j = 0; j < per_thread; ++j) {
                const std::string id = "w" + std::to_string(i) + "_" + std::to_string(j);
                const bool fails = j % 5 == 0;
                try {
                    db->module("alpha").write([&](soci::session& sql) {
                        sql << "INSERT INTO alpha.items (id, name) VALUES (:id, 'batched')", soci::use(id);
                        if (fails) throw std::runtime_error("refused after writing");
                    });
                } catch (const std::runtime_error&) {
                    ++refused;
                }
            }
        });
    }
    for (auto& w : writers) w.join();
    CHECK(refused == threads * per_thread / 5);
    CHECK(count_items(*db) == 1 + threads * per_thread - refused);  // the seed row, then every write that succeeded
    const int refused_rows = db->module("alpha").read([](soci::session& sql) {
        int n = 0;
        sql << "SELECT count(*) FROM alpha.items WHERE id LIKE 'w%\\_0' ESCAPE '\\'", soci::into(n);
        return n;
    });
    CHECK(refused_rows == 0);  // j == 0 always failed; none of those rows survived
    if (db->backend() == Backend::sqlite) {
        const auto stats = db->stats();
        INFO("writes ", stats.write_transactions, ", commits ", stats.commits);
        CHECK(stats.commits < stats.write_transactions);  // waiting writers did share commits
    }
}
