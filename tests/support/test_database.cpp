#include "support/test_database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "kernel/ids.hpp"
#include "support/test_paths.hpp"

namespace mercato::test {

namespace {

class SqliteTestDatabase : public TestDatabase {
public:
    std::string url() const override { return "sqlite:" + dir_.str(); }

private:
    TempDir dir_;
};

class PostgresTestDatabase : public TestDatabase {
public:
    PostgresTestDatabase() : admin_url_(postgres_url()), admin_conninfo_(kernel::parse_db_url(admin_url_).pg_conninfo) {
        std::string id = kernel::new_id("t");
        for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        name_ = "mercato_" + id;
        soci::session admin(soci::postgresql, admin_conninfo_);
        admin << "CREATE DATABASE " + name_;
    }
    ~PostgresTestDatabase() override {
        try {
            soci::session admin(soci::postgresql, admin_conninfo_);
            admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
        } catch (...) {
            // The throwaway cluster is deleted at the end of the run anyway.
        }
    }
    std::string url() const override { return admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_; }

private:
    std::string admin_url_;
    std::string admin_conninfo_;
    std::string name_;
};

}  // namespace

std::unique_ptr<TestDatabase> fresh_sqlite() { return std::make_unique<SqliteTestDatabase>(); }
std::unique_ptr<TestDatabase> fresh_postgres() { return std::make_unique<PostgresTestDatabase>(); }

std::vector<kernel::MigrationFile> fixture_migrations() {
    return kernel::read_migrations_dir((source_dir() / "tests/fixtures/migrations").string());
}

}  // namespace mercato::test
