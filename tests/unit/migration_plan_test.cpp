// Tests plan_migrations and migration_modules of kernel/migrations.hpp: naming, ordering, dialects and checksums.
#include "kernel/migrations.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using mercato::kernel::Backend;
using mercato::kernel::Migration;
using mercato::kernel::MigrationError;
using mercato::kernel::MigrationFile;
using mercato::kernel::migration_modules;
using mercato::kernel::plan_migrations;

namespace {

std::vector<std::string> ids(const std::vector<Migration>& plan) {
    std::vector<std::string> out;
    for (const auto& m : plan) out.push_back(m.id());
    return out;
}

// The MigrationError message plan_migrations gives for files, or "" when it accepts them.
std::string plan_error(Backend backend, const std::vector<MigrationFile>& files) {
    try {
        plan_migrations(backend, files);
    } catch (const MigrationError& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the plan is ordered by module, then by version number") {
    const std::vector<MigrationFile> files = {
        {"orders/0002_lines.sql", "b"},      {"catalog/0010_reviews.sql", "c"}, {"orders/0001_init.sql", "a"},
        {"catalog/0002_stock.sql", "d"},     {"catalog/0001_init.sql", "e"},
    };
    const auto plan = plan_migrations(Backend::sqlite, files);
    CHECK(ids(plan) == std::vector<std::string>{"catalog/0001_init", "catalog/0002_stock", "catalog/0010_reviews",
                                                "orders/0001_init", "orders/0002_lines"});
    REQUIRE(plan.size() == 5);
    CHECK(plan[2].module == "catalog");
    CHECK(plan[2].version == 10);
    CHECK(plan[2].name == "reviews");
    CHECK(plan[2].sql == "c");
}

TEST_CASE("a dialect variant beats the generic file on its backend, in either file order") {
    const MigrationFile generic{"search/0001_index.sql", "generic"};
    const MigrationFile pg{"search/0001_index.pg.sql", "pg"};
    const MigrationFile sqlite{"search/0001_index.sqlite.sql", "sqlite"};

    for (const auto& files : {std::vector<MigrationFile>{generic, pg, sqlite}, std::vector<MigrationFile>{sqlite, pg, generic}}) {
        const auto on_pg = plan_migrations(Backend::postgresql, files);
        REQUIRE(on_pg.size() == 1);
        CHECK(on_pg[0].sql == "pg");
        CHECK(on_pg[0].id() == "search/0001_index");

        const auto on_sqlite = plan_migrations(Backend::sqlite, files);
        REQUIRE(on_sqlite.size() == 1);
        CHECK(on_sqlite[0].sql == "sqlite");
    }
}

TEST_CASE("a dialect variant is ignored on the other backend") {
    const std::vector<MigrationFile> files = {{"search/0001_index.sql", "generic"}, {"search/0001_index.pg.sql", "pg"}};
    const auto plan = plan_migrations(Backend::sqlite, files);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].sql == "generic");
    REQUIRE(plan_migrations(Backend::postgresql, files).size() == 1);
    CHECK(plan_migrations(Backend::postgresql, files)[0].sql == "pg");
}

TEST_CASE("a version with a variant for one database only is an error on both backends") {
    const std::vector<MigrationFile> files = {{"search/0001_index.sql", "generic"}, {"search/0002_fts.pg.sql", "pg only"}};
    for (const auto backend : {Backend::sqlite, Backend::postgresql}) {
        CHECK_THROWS_WITH_AS(plan_migrations(backend, files), doctest::Contains("search/0002_fts.pg.sql"), MigrationError);
    }
    const std::vector<MigrationFile> both = {{"search/0002_fts.pg.sql", "pg"}, {"search/0002_fts.sqlite.sql", "sqlite"}};
    CHECK(plan_migrations(Backend::sqlite, both).size() == 1);
}

TEST_CASE("a misnamed migration file is an error naming the file") {
    for (const std::string path : {"catalog/1_init.sql", "catalog/01a1_init.sql", "catalog/0001init.sql",
                                   "catalog/0001-init.sql", "catalog/0001_init.txt", "catalog/0001_init.sql.bak",
                                   "catalog/0001_.sql", "catalog/0000_zero.sql", "0001_init.sql", "/0001_init.sql"}) {
        CAPTURE(path);
        CHECK(contains(plan_error(Backend::sqlite, {{path, "SELECT 1;"}}), "'" + path + "'"));
    }
}

TEST_CASE("two names for one version of a module are an error naming both files") {
    const std::string error =
        plan_error(Backend::sqlite, {{"catalog/0001_init.sql", ""}, {"catalog/0001_setup.sql", ""}});
    CHECK(contains(error, "catalog/0001_init.sql"));
    CHECK(contains(error, "catalog/0001_setup.sql"));

    CHECK_NOTHROW(plan_migrations(Backend::sqlite, {{"catalog/0001_init.sql", ""}, {"orders/0001_setup.sql", ""}}));
}

TEST_CASE("a dialect variant named differently from its version's generic file is an error on both backends") {
    const MigrationFile generic{"catalog/0001_init.sql", ""};
    const MigrationFile pg{"catalog/0001_setup.pg.sql", ""};
    for (const auto backend : {Backend::sqlite, Backend::postgresql}) {
        CHECK_FALSE(plan_error(backend, {generic, pg}).empty());
        CHECK_FALSE(plan_error(backend, {pg, generic}).empty());
    }
}

TEST_CASE("a migration's checksum is the SHA-256 of its text in lower-case hex") {
    const auto plan = plan_migrations(Backend::sqlite, {{"a/0001_x.sql", "abc"}, {"b/0001_x.sql", "abc"},
                                                        {"c/0001_x.sql", "abc "}});
    REQUIRE(plan.size() == 3);
    CHECK(plan[0].checksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(plan[1].checksum == plan[0].checksum);
    CHECK(plan[2].checksum.size() == 64);
    CHECK(plan[2].checksum.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(plan[2].checksum != plan[0].checksum);
}

TEST_CASE("migration_modules lists each module once, in name order") {
    const auto plan = plan_migrations(Backend::sqlite, {{"users/0001_init.sql", ""},
                                                        {"catalog/0002_stock.sql", ""},
                                                        {"catalog/0001_init.sql", ""},
                                                        {"orders/0001_init.sql", ""}});
    CHECK(migration_modules(plan) == std::vector<std::string>{"catalog", "orders", "users"});
    CHECK(migration_modules({}).empty());
}
