#include "kernel/migrations.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/clock.hpp"
#include "kernel/hashing.hpp"

namespace mercato::kernel {

namespace {

struct ParsedName {
    std::string module;
    int version;
    std::string name;
    std::string dialect;  // "", "pg" or "sqlite"
};

ParsedName parse_path(const std::string& path) {
    auto fail = [&] {
        return MigrationError(fmt::format(
            "migration file '{}' is not named <module>/NNNN_name.sql (or .pg.sql / .sqlite.sql)", path));
    };
    const auto slash = path.find('/');
    if (slash == std::string::npos || slash == 0) throw fail();
    ParsedName out{path.substr(0, slash), 0, {}, {}};
    std::string file = path.substr(slash + 1);
    if (!file.ends_with(".sql")) throw fail();
    file.resize(file.size() - 4);
    for (const char* dialect : {"pg", "sqlite"}) {
        const std::string suffix = std::string(".") + dialect;
        if (file.ends_with(suffix)) {
            out.dialect = dialect;
            file.resize(file.size() - suffix.size());
            break;
        }
    }
    if (file.find('.') != std::string::npos) throw fail();
    if (file.size() < 6 || file[4] != '_') throw fail();
    for (int i = 0; i < 4; ++i) {
        if (file[i] < '0' || file[i] > '9') throw fail();
    }
    out.version = std::stoi(file.substr(0, 4));
    out.name = file.substr(5);
    if (out.version == 0 || out.name.empty()) throw fail();
    return out;
}

struct Applied {
    int version;
    std::string checksum;
};

bool table_exists(soci::session& sql, Backend backend, const std::string& module, const std::string& table) {
    int count = 0;
    if (backend == Backend::postgresql) {
        sql << "SELECT count(*) FROM information_schema.tables WHERE table_schema = :s AND table_name = :t",
            soci::use(module), soci::use(table), soci::into(count);
    } else {
        sql << fmt::format("SELECT count(*) FROM {}.sqlite_master WHERE type = 'table' AND name = :t", module),
            soci::use(table), soci::into(count);
    }
    return count > 0;
}

std::map<int, std::string> applied_checksums(soci::session& sql, Backend backend, const std::string& module,
                                             const std::string& ledger) {
    std::map<int, std::string> applied;
    if (!table_exists(sql, backend, module, ledger)) return applied;
    soci::rowset<soci::row> rows = (sql.prepare << fmt::format("SELECT version, checksum FROM {}.{}", module, ledger));
    for (const auto& row : rows) applied[row.get<int>(0)] = row.get<std::string>(1);
    return applied;
}

void lock_module(soci::session& sql, Backend backend, const std::string& module) {
    if (backend != Backend::postgresql) return;  // SQLite: the module's write lock already serializes us
    sql << "SELECT pg_advisory_xact_lock(7243, hashtext(:m))", soci::use(module);
    sql << fmt::format("CREATE SCHEMA IF NOT EXISTS {}", module);
}

// Objects outside the module's schema: SQLite's per-connection main database (lost when the
// connection closes) or PostgreSQL's public schema (shared by everyone).
int stray_objects(soci::session& sql, Backend backend) {
    int count = 0;
    if (backend == Backend::postgresql) {
        sql << "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
            soci::into(count);
    } else {
        sql << "SELECT count(*) FROM main.sqlite_master", soci::into(count);
    }
    return count;
}

void ensure_table(soci::session& sql, const std::string& module, const std::string& ledger) {
    sql << fmt::format(
        "CREATE TABLE IF NOT EXISTS {}.{} ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
        module, ledger);
}

}  // namespace

std::string Migration::id() const {
    if (track.empty()) return fmt::format("{}/{:04}_{}", module, version, name);
    return fmt::format("{}/{}/{:04}_{}", module, track, version, name);
}

std::string Migration::ledger() const { return track.empty() ? "schema_migrations" : track + "_schema_migrations"; }

std::vector<Migration> plan_migrations(Backend backend, const std::vector<MigrationFile>& files) {
    const std::string own_dialect = backend == Backend::postgresql ? "pg" : "sqlite";
    // (module, version) -> the chosen file; a dialect-specific file beats the generic one.
    std::map<std::pair<std::string, int>, std::pair<ParsedName, const MigrationFile*>> chosen;
    // Every file of a version, whatever its dialect, must carry the same name, or the two
    // backends would disagree about what that version is.
    std::map<std::pair<std::string, int>, const MigrationFile*> first_of_version;
    std::map<std::pair<std::string, int>, std::set<std::string>> dialects_of_version;
    for (const auto& file : files) {
        ParsedName parsed = parse_path(file.path);
        auto key = std::make_pair(parsed.module, parsed.version);
        auto [first, inserted] = first_of_version.try_emplace(key, &file);
        if (!inserted && parse_path(first->second->path).name != parsed.name) {
            throw MigrationError(fmt::format("migrations '{}' and '{}' claim the same version",
                                             first->second->path, file.path));
        }
        dialects_of_version[key].insert(parsed.dialect);
        if (!parsed.dialect.empty() && parsed.dialect != own_dialect) continue;
        auto it = chosen.find(key);
        if (it == chosen.end() || !parsed.dialect.empty()) chosen[key] = {std::move(parsed), &file};
    }
    // A version written for one dialect only would leave the other backend's schema behind.
    for (const auto& [key, dialects] : dialects_of_version) {
        if (!dialects.contains("") && !(dialects.contains("pg") && dialects.contains("sqlite"))) {
            throw MigrationError(fmt::format("migration '{}' has a variant for one database only; add the other "
                                             "(.pg.sql / .sqlite.sql) or a generic .sql",
                                             first_of_version.at(key)->path));
        }
    }
    std::vector<Migration> plan;
    for (const auto& [key, entry] : chosen) {
        const auto& [parsed, file] = entry;
        plan.push_back({parsed.module, parsed.version, parsed.name, file->content, sha256_hex(file->content), ""});
    }
    return plan;
}

std::vector<Migration> track_migrations(const std::string& track, int version, const std::string& name,
                                        const std::string& sql_template, const std::vector<std::string>& modules) {
    std::vector<Migration> plan;
    for (const auto& module : modules) {
        std::string sql = fmt::format(fmt::runtime(sql_template), fmt::arg("m", module));
        std::string checksum = sha256_hex(sql);
        plan.push_back({module, version, name, std::move(sql), std::move(checksum), track});
    }
    return plan;
}

std::vector<std::string> migration_modules(const std::vector<Migration>& plan) {
    std::set<std::string> modules;
    for (const auto& m : plan) {
        if (m.track.empty()) modules.insert(m.module);
    }
    return {modules.begin(), modules.end()};
}

Migrator::Migrator(Database& db, std::vector<Migration> plan) : db_(db), plan_(std::move(plan)) {}

std::vector<std::string> Migrator::pending() {
    std::vector<std::string> pending;
    std::set<std::pair<std::string, std::string>> ledgers;
    for (const auto& m : plan_) ledgers.emplace(m.module, m.ledger());
    for (const auto& [module, ledger] : ledgers) {
        const auto applied = db_.module(module).read(
            // Named captures: clang before 16 (the fuzz build's) cannot capture structured bindings.
            [&, &module = module, &ledger = ledger](soci::session& sql) {
                return applied_checksums(sql, db_.backend(), module, ledger);
            });
        for (const auto& m : plan_) {
            if (m.module != module || m.ledger() != ledger) continue;
            auto it = applied.find(m.version);
            if (it == applied.end()) {
                pending.push_back(m.id());
            } else if (it->second != m.checksum) {
                throw MigrationError(fmt::format(
                    "migration {} was changed after it was applied (checksum {} in the database, {} in this build); "
                    "restore the original file and add a new migration instead",
                    m.id(), it->second.substr(0, 12), m.checksum.substr(0, 12)));
            }
        }
    }
    return pending;
}

std::vector<std::string> Migrator::apply() {
    pending();  // refuses to go on over a changed migration before touching anything
    std::vector<std::string> done;
    for (const auto& m : plan_) {
        const bool applied_now = db_.module(m.module).write([&](soci::session& sql) {
            lock_module(sql, db_.backend(), m.module);
            ensure_table(sql, m.module, m.ledger());
            int count = 0;
            sql << fmt::format("SELECT count(*) FROM {}.{} WHERE version = :v", m.module, m.ledger()),
                soci::use(m.version), soci::into(count);
            if (count > 0) return false;
            const int stray_before = stray_objects(sql, db_.backend());
            try {
                execute_script(sql, m.sql);
            } catch (const std::exception& e) {
                throw MigrationError(fmt::format("migration {} failed: {}", m.id(), e.what()));
            }
            if (stray_objects(sql, db_.backend()) != stray_before) {
                throw MigrationError(fmt::format("migration {} created objects outside schema '{}': qualify every name "
                                                 "with '{}.'", m.id(), m.module, m.module));
            }
            const std::string at = rfc3339_now();
            sql << fmt::format("INSERT INTO {}.{} (version, name, checksum, applied_at) "
                               "VALUES (:v, :n, :c, :a)", m.module, m.ledger()),
                soci::use(m.version), soci::use(m.name), soci::use(m.checksum), soci::use(at);
            return true;
        });
        if (applied_now) {
            spdlog::info("applied migration {}", m.id());
            done.push_back(m.id());
        }
    }
    return done;
}

}  // namespace mercato::kernel
