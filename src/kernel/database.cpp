#include "kernel/database.hpp"

#include <filesystem>
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include "kernel/bus/trace_context.hpp"
#include "kernel/config.hpp"
#include "kernel/connection_pool.hpp"
#include "kernel/group_commit.hpp"
#include "kernel/logging.hpp"
#include "kernel/pg_statement_cache.hpp"
#include "kernel/problem.hpp"
#include "kernel/sqlite_statement_cache.hpp"
#include "kernel/transaction_hooks.hpp"

namespace mercato::kernel {

namespace {

bool is_identifier(std::string_view name) {
    if (name.empty() || name.size() > 48 || name.front() < 'a' || name.front() > 'z') return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

std::string sql_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

PGconn* pg_handle(soci::session& session) {
    return static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
}

sqlite_api::sqlite3* sqlite_handle(soci::session& session) {
    return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

void begin(soci::session& session, const char* statement) {
    try {
        session << statement;
    } catch (const soci::soci_error& e) {
        // Another process holds the module's file past busy_timeout: a moment's unavailability, not a bug.
        if (std::string_view(e.what()).find("database is locked") != std::string_view::npos) {
            throw Problem::unavailable("the database is busy; try again shortly");
        }
        throw;
    }
}

void rollback_quietly(soci::session& session) {
    try {
        session << "ROLLBACK";
    } catch (...) {
        // The connection is gone; the pool's health check drops it when the lease ends.
    }
}

// Switching a file to WAL needs it to itself, and SQLite answers "locked" at once instead of waiting
// out busy_timeout, so a second server copy opening a new file retries for that long. The mode is
// kept in the file: once it is WAL, connections find it so and skip the switch.
void use_wal(soci::session& session, const std::string& module, std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (true) {
        std::string mode;
        session << fmt::format("PRAGMA {}.journal_mode", module), soci::into(mode);
        if (mode == "wal") return;
        try {
            session << fmt::format("PRAGMA {}.journal_mode = WAL", module), soci::into(mode);
            if (mode == "wal") return;
        } catch (const soci::soci_error& e) {
            if (std::string_view(e.what()).find("locked") == std::string_view::npos ||
                std::chrono::steady_clock::now() >= deadline) {
                throw;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// One SQLite transaction for a batch of writers, each in its own savepoint.
void run_batch(ConnectionPool& pool, const std::string& module, std::vector<GroupCommit::Job*>& batch) {
    auto lease = pool.acquire();
    soci::session& session = *lease;
    CommitHooks hooks(module);
    begin(session, "BEGIN IMMEDIATE");
    try {
        for (GroupCommit::Job* job : batch) {
            {
                Savepoint writer(session, "writer");
                try {
                    (*job->work)(session);
                    writer.release();
                } catch (...) {
                    job->error = std::current_exception();
                }
            }
            // Some errors (disk full, I/O) make SQLite roll the whole transaction back, and a later
            // SAVEPOINT would quietly start a new one: the batch as a whole has failed.
            if (job->error && transaction_aborted(session)) std::rethrow_exception(job->error);
        }
        session << "COMMIT";
    } catch (...) {
        rollback_quietly(session);
        throw;
    }
    hooks.run();
}

}  // namespace

struct Database::Impl {
    DatabaseOptions options;
    DbUrl url;
    std::vector<std::string> modules;
    // PostgreSQL: one pool shared by every module. SQLite: one pool and one writer queue per module,
    // because each module's file has its own write lock and its connections attach only that file.
    std::unique_ptr<ConnectionPool> shared_pool;
    struct SqliteModule {
        explicit SqliteModule(std::size_t max_batch) : writers(max_batch) {}
        std::unique_ptr<ConnectionPool> pool;
        GroupCommit writers;
    };
    std::atomic<std::uint64_t> writes{0};
    std::atomic<std::uint64_t> commits{0};
    std::map<std::string, SqliteModule, std::less<>> sqlite_modules;

    ConnectionPool& pool_for(std::string_view module) {
        if (shared_pool) return *shared_pool;
        return *sqlite_modules.find(module)->second.pool;
    }

    std::unique_ptr<soci::session> open_sqlite(const std::string& module) const {
        auto session = std::make_unique<soci::session>(soci::sqlite3, "db=:memory:");
        const auto file = (std::filesystem::path(url.sqlite_dir) / (module + ".db")).string();
        // Before ATTACH: another connection may hold the file while it switches it to WAL.
        *session << fmt::format("PRAGMA busy_timeout = {}", options.busy_timeout_ms);
        *session << fmt::format("ATTACH DATABASE {} AS {}", sql_quote(file), module);
        *session << "PRAGMA foreign_keys = ON";
        use_wal(*session, module, std::chrono::milliseconds(options.busy_timeout_ms));
        *session << fmt::format("PRAGMA {}.synchronous = {}", module, options.sqlite_synchronous);
        return session;
    }

    std::unique_ptr<soci::session> open_postgresql() const {
        auto session = std::make_unique<soci::session>(soci::postgresql, url.pg_conninfo);
        // Durability is a promise of the product (DESIGN rule 5): never let a role default weaken it.
        *session << "SET synchronous_commit = on";
        return session;
    }
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

std::shared_ptr<Database> Database::open(const DatabaseOptions& options, std::vector<std::string> modules) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->url = parse_db_url(options.url);
    for (const auto& m : modules) {
        if (!is_identifier(m)) throw std::invalid_argument(fmt::format("module name '{}' is not an identifier", m));
    }
    impl->modules = std::move(modules);
    Impl* self = impl.get();
    if (impl->url.backend == Backend::postgresql) {
        pg_statement_cache::install();
        ConnectionPool::Checks checks{
            [](soci::session& s) { return PQstatus(pg_handle(s)) == CONNECTION_OK && PQtransactionStatus(pg_handle(s)) == PQTRANS_IDLE; },
            [](soci::session& s) {
                try {
                    s << "SELECT 1";
                    return true;
                } catch (const std::exception&) {
                    return false;
                }
            },
            options.probe_after_idle};
        impl->shared_pool = std::make_unique<ConnectionPool>([self] { return self->open_postgresql(); }, std::move(checks),
                                                             options.pool_size, options.acquire_timeout);
    } else {
        sqlite_statement_cache::install();
        std::error_code ec;
        std::filesystem::create_directories(impl->url.sqlite_dir, ec);
        if (ec) {
            throw ConfigError(fmt::format("cannot create database directory '{}': {}", impl->url.sqlite_dir, ec.message()));
        }
        for (const auto& m : impl->modules) {
            // A SQLite file cannot go away under an open connection: no probe needed.
            auto& module = impl->sqlite_modules.try_emplace(m, options.group_commit ? 256 : 1).first->second;
            module.pool = std::make_unique<ConnectionPool>(
                [self, m] { return self->open_sqlite(m); },
                ConnectionPool::Checks{[](soci::session& s) { return sqlite_api::sqlite3_get_autocommit(sqlite_handle(s)) != 0; },
                                       {}, {}},
                options.pool_size, options.acquire_timeout);
        }
    }
    return std::shared_ptr<Database>(new Database(std::move(impl)));
}

Backend Database::backend() const noexcept { return impl_->url.backend; }
const std::string& Database::pg_conninfo() const noexcept { return impl_->url.pg_conninfo; }
const std::vector<std::string>& Database::modules() const noexcept { return impl_->modules; }

bool Database::serves(std::string_view module) const noexcept {
    return std::find(impl_->modules.begin(), impl_->modules.end(), module) != impl_->modules.end();
}

ModuleDb Database::module(std::string_view name) {
    for (const auto& m : impl_->modules) {
        if (m == name) return ModuleDb(shared_from_this(), m);
    }
    throw std::invalid_argument(fmt::format("module '{}' is not served by this database", name));
}

void Database::ping() {
    if (impl_->shared_pool) {
        auto lease = impl_->shared_pool->acquire();
        int one = 0;
        *lease << "SELECT 1", soci::into(one);
        return;
    }
    if (::access(impl_->url.sqlite_dir.c_str(), W_OK) != 0) {
        throw Problem::unavailable(fmt::format("database directory '{}' is not writable", impl_->url.sqlite_dir));
    }
    for (auto& [name, module] : impl_->sqlite_modules) {
        auto lease = module.pool->acquire();
        int count = 0;
        *lease << fmt::format("SELECT count(*) FROM {}.sqlite_master", name), soci::into(count);
    }
}

PoolStats Database::stats() const {
    PoolStats total = impl_->shared_pool ? impl_->shared_pool->stats() : PoolStats{};
    total.write_transactions = impl_->writes.load();
    total.commits = impl_->commits.load();
    if (impl_->shared_pool) return total;
    for (const auto& [name, module] : impl_->sqlite_modules) {
        const PoolStats s = module.pool->stats();
        total.open += s.open;
        total.in_use += s.in_use;
        total.waiting += s.waiting;
        total.acquired_total += s.acquired_total;
        total.acquire_timeouts += s.acquire_timeouts;
    }
    return total;
}

Backend ModuleDb::backend() const noexcept { return db_->backend(); }

void ModuleDb::run(bool transaction, const SessionFn& fn) const {
    Database::Impl& impl = *db_->impl_;
    if (!transaction) {
        auto lease = impl.pool_for(name_).acquire();
        fn(*lease);
        return;
    }
    ++impl.writes;
    if (!impl.shared_pool) {
        auto& module = impl.sqlite_modules.find(name_)->second;
        // The batch may run on another writer's thread: take this caller's trace and request id along,
        // for the events it publishes and the lines it logs.
        const std::string trace(bus::current_traceparent());
        const std::string request_id(current_request_id());
        const SessionFn in_context = [&](soci::session& session) {
            bus::TraceScope trace_scope(trace);
            RequestIdScope request_scope(request_id);
            fn(session);
        };
        module.writers.run(in_context, [&](std::vector<GroupCommit::Job*>& batch) {
            run_batch(*module.pool, name_, batch);
            ++impl.commits;
        });
        return;
    }
    auto lease = impl.shared_pool->acquire();
    soci::session& session = *lease;
    CommitHooks hooks(name_);
    begin(session, "BEGIN");
    try {
        fn(session);
        hooks.flush(session);
        // An error that fn caught still aborts a PostgreSQL transaction, and COMMIT would then
        // quietly roll back: the caller must not believe its write was stored.
        if (transaction_aborted(session)) {
            throw std::runtime_error("the transaction was aborted by an earlier SQL error");
        }
        session << "COMMIT";
        ++impl.commits;
    } catch (...) {
        rollback_quietly(session);
        throw;
    }
    hooks.run();
}

bool transaction_aborted(soci::session& session) {
    if (session.get_backend_name() == "postgresql") return PQtransactionStatus(pg_handle(session)) == PQTRANS_INERROR;
    return sqlite_api::sqlite3_get_autocommit(sqlite_handle(session)) != 0;
}

void execute_script(soci::session& session, const std::string& sql) {
    if (session.get_backend_name() == "postgresql") {
        PGresult* result = PQexec(pg_handle(session), sql.c_str());
        const auto status = PQresultStatus(result);
        std::string error = PQresultErrorMessage(result);
        PQclear(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(error);
        return;
    }
    char* error = nullptr;
    if (sqlite_api::sqlite3_exec(sqlite_handle(session), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error != nullptr ? error : "unknown SQLite error";
        sqlite_api::sqlite3_free(error);
        throw std::runtime_error(message);
    }
}

}  // namespace mercato::kernel
