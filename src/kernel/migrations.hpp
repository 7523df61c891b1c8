// Each module's schema migrations: chosen per dialect, applied in order once each, and checked
// against the checksum recorded when they were applied, so an edited migration stops start-up.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "kernel/database.hpp"
#include "kernel/migration_source.hpp"

namespace mercato::kernel {

struct MigrationError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Migration {
    std::string module;
    int version = 0;
    std::string name;
    std::string sql;
    std::string checksum;  // SHA-256 of the file's text
    // "" for the module's own migrations; otherwise the kernel part whose tables every module's
    // schema carries ("bus": outbox, consumer offsets), versioned in a ledger of its own.
    std::string track;

    std::string id() const;      // "catalog/0001_init", "catalog/bus/0001_outbox"
    std::string ledger() const;  // the table recording what was applied: "schema_migrations", "bus_schema_migrations"
};

// From files named <module>/NNNN_name.sql, with NNNN_name.pg.sql or NNNN_name.sqlite.sql taking
// precedence for their backend. Throws MigrationError for a misnamed file or two names for one version.
std::vector<Migration> plan_migrations(Backend backend, const std::vector<MigrationFile>& files);

// A kernel track's migration for each module: sql_template with {m} standing for the module's schema.
std::vector<Migration> track_migrations(const std::string& track, int version, const std::string& name,
                                        const std::string& sql_template, const std::vector<std::string>& modules);

// The modules that own at least one migration of their own, in name order.
std::vector<std::string> migration_modules(const std::vector<Migration>& plan);

class Migrator {
public:
    Migrator(Database& db, std::vector<Migration> plan);

    // The ids not yet applied. Throws MigrationError when an applied migration's file changed.
    std::vector<std::string> pending();

    // Applies what is pending, each migration in its own transaction; returns the ids applied.
    // Several server copies may call this at once: PostgreSQL advisory locks make them take turns.
    std::vector<std::string> apply();

private:
    Database& db_;
    std::vector<Migration> plan_;
};

}  // namespace mercato::kernel
