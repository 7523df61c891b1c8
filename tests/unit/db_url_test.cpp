// Tests kernel/db_url.hpp: parsing sqlite: and PostgreSQL database URLs, and hiding passwords in them.
#include "kernel/db_url.hpp"

#include <doctest/doctest.h>

#include <string>

#include "kernel/config.hpp"

using mercato::kernel::Backend;
using mercato::kernel::ConfigError;
using mercato::kernel::parse_db_url;
using mercato::kernel::redact_db_url;

namespace {

// The ConfigError message parse_db_url gives for url, or "" when it accepts it.
std::string parse_error(const std::string& url) {
    try {
        parse_db_url(url);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("sqlite:DIR selects SQLite with the files under DIR") {
    const auto relative = parse_db_url("sqlite:./data");
    CHECK(relative.backend == Backend::sqlite);
    CHECK(relative.sqlite_dir == "./data");
    CHECK(relative.pg_conninfo.empty());

    const auto absolute = parse_db_url("sqlite:/var/lib/mercato");
    CHECK(absolute.backend == Backend::sqlite);
    CHECK(absolute.sqlite_dir == "/var/lib/mercato");
}

TEST_CASE("sqlite: without a directory is an error") {
    CHECK(contains(parse_error("sqlite:"), "sqlite:"));
}

TEST_CASE("postgresql:// and postgres:// URLs select PostgreSQL and become libpq key='value' pairs") {
    for (const std::string url : {"postgres://mercato@localhost/mercato", "postgresql:///mercato"}) {
        CAPTURE(url);
        const auto parsed = parse_db_url(url);
        CHECK(parsed.backend == Backend::postgresql);
        CHECK(contains(parsed.pg_conninfo, "dbname='mercato'"));
        CHECK(parsed.sqlite_dir.empty());
    }
    const auto full = parse_db_url("postgresql://mercato:p'w@db.internal:5432/shop?sslmode=require");
    CHECK(contains(full.pg_conninfo, "host='db.internal'"));
    CHECK(contains(full.pg_conninfo, "port='5432'"));
    CHECK(contains(full.pg_conninfo, "user='mercato'"));
    CHECK(contains(full.pg_conninfo, "password='p\\'w'"));
    CHECK(contains(full.pg_conninfo, "dbname='shop'"));
    CHECK(contains(full.pg_conninfo, "sslmode='require'"));
}

TEST_CASE("a URL with another scheme or none is an error quoting the URL") {
    for (const std::string url : {"mysql://u@h/db", "data", "", "SQLITE:./data", "postgresql:/db"}) {
        CAPTURE(url);
        const std::string error = parse_error(url);
        CHECK_FALSE(error.empty());
        CHECK(contains(error, "'" + url + "'"));
    }
}

TEST_CASE("a PostgreSQL URI that libpq cannot parse is an error") {
    for (const std::string url : {"postgresql://u@h/db?no_such_option=1", "postgresql://u@[::1/db",
                                  "postgresql://u@h/db%zz"}) {
        CAPTURE(url);
        CHECK_FALSE(parse_error(url).empty());
    }
}

TEST_CASE("a PostgreSQL URI whose port is not a number is an error") {
    CHECK(contains(parse_error("postgresql://u@h:notaport/db"), "notaport"));
}

TEST_CASE("the error for a malformed URL never repeats its password") {
    for (const std::string url : {"mysql://u:hunter2@h/db", "postgresql://u:hunter2@[::1/db",
                                  "postgresql://u:hunter2@h/db?no_such_option=1"}) {
        CAPTURE(url);
        const std::string error = parse_error(url);
        CHECK_FALSE(error.empty());
        CHECK_FALSE(contains(error, "hunter2"));
    }
}

TEST_CASE("redact_db_url replaces the password of a URI with ***") {
    CHECK(redact_db_url("postgresql://mercato:s3cret@db:5432/mercato") == "postgresql://mercato:***@db:5432/mercato");
    CHECK(redact_db_url("postgres://u:p%40ss@h/db") == "postgres://u:***@h/db");
}

TEST_CASE("redact_db_url leaves URLs without a password unchanged") {
    for (const std::string url : {"postgresql://mercato@db:5432/mercato", "postgresql://db:5432/mercato",
                                  "sqlite:./data", "postgresql:///mercato"}) {
        CAPTURE(url);
        CHECK(redact_db_url(url) == url);
    }
}

TEST_CASE("redact_db_url hides a password given as a query parameter") {
    const std::string redacted = redact_db_url("postgresql://mercato@db/mercato?password=s3cret&sslmode=require");
    CHECK_FALSE(contains(redacted, "s3cret"));
    CHECK(contains(redacted, "sslmode=require"));
}
