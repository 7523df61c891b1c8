// The process's database: one schema per module, pooled blocking connections, and transactions with a write discipline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kernel/db_url.hpp"

namespace soci {
class session;
}

namespace mercato::kernel {

struct DatabaseOptions {
    std::string url = "sqlite:./data";
    std::size_t pool_size = 8;
    std::string sqlite_synchronous = "full";
    int busy_timeout_ms = 5000;
    bool group_commit = true;  // SQLite: writers waiting for a module's file share one commit
    std::chrono::milliseconds acquire_timeout{10'000};
    // A PostgreSQL connection idle this long is probed before use, so one that died meanwhile is replaced.
    std::chrono::milliseconds probe_after_idle{5'000};
};

struct PoolStats {
    std::size_t open = 0;
    std::size_t in_use = 0;
    std::size_t waiting = 0;
    std::uint64_t acquired_total = 0;
    std::uint64_t acquire_timeouts = 0;
    std::uint64_t write_transactions = 0;  // write() calls that ran
    std::uint64_t commits = 0;             // fewer than writes on SQLite, where waiting writers share a commit
};

using SessionFn = std::function<void(soci::session&)>;

class Database;

// One module's view of the database. Every connection it hands out reaches that module's
// schema by its name (PostgreSQL schema, or SQLite file attached under the name), so the
// same schema-qualified SQL runs on both backends. Calls block: run them on worker threads.
class ModuleDb {
public:
    const std::string& name() const noexcept { return name_; }
    Backend backend() const noexcept;

    // Runs f on a pooled connection in autocommit mode and returns what f returns.
    template <class F>
    auto read(F&& f) const {
        return invoke(false, std::forward<F>(f));
    }

    // Runs f inside one transaction: committed when f returns, rolled back when it throws; it
    // returns only once the commit is durable. On SQLite the writers of one module queue in-process
    // (so none sees SQLITE_BUSY) and those waiting together share one commit, each in a savepoint of
    // its own, so one writer's failure undoes only its own work. On PostgreSQL, transactions run
    // concurrently.
    template <class F>
    auto write(F&& f) const {
        return invoke(true, std::forward<F>(f));
    }

private:
    friend class Database;
    ModuleDb(std::shared_ptr<Database> db, std::string name) : db_(std::move(db)), name_(std::move(name)) {}

    void run(bool transaction, const SessionFn& fn) const;

    template <class F>
    auto invoke(bool transaction, F&& f) const {
        using R = std::invoke_result_t<F&, soci::session&>;
        if constexpr (std::is_void_v<R>) {
            run(transaction, [&](soci::session& s) { f(s); });
        } else {
            std::optional<R> out;
            run(transaction, [&](soci::session& s) { out.emplace(f(s)); });
            return std::move(*out);
        }
    }

    std::shared_ptr<Database> db_;
    std::string name_;
};

class Database : public std::enable_shared_from_this<Database> {
public:
    // modules: the schemas this process serves. Names are lower-case identifiers.
    // Throws ConfigError for a bad URL, Problem 503 when the database cannot be reached.
    static std::shared_ptr<Database> open(const DatabaseOptions& options, std::vector<std::string> modules);
    ~Database();

    Backend backend() const noexcept;
    // PostgreSQL: the libpq connection string, for the few parts that need a connection of their
    // own outside the pool (LISTEN, session advisory locks). "" on SQLite.
    const std::string& pg_conninfo() const noexcept;
    const std::vector<std::string>& modules() const noexcept;
    // Whether module is one of modules(): its schema is migrated here, so its log and consumers run here.
    bool serves(std::string_view module) const noexcept;
    ModuleDb module(std::string_view name);

    // Throws when the database cannot be reached (or, on SQLite, a module's file cannot be read).
    void ping();
    PoolStats stats() const;

    struct Impl;

private:
    friend class ModuleDb;
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Whether the session's transaction can no longer commit: on PostgreSQL, an SQL error aborted it
// (even one the caller caught); on SQLite, an error made SQLite roll it back by itself.
bool transaction_aborted(soci::session& session);

// Runs a script of several SQL statements at once (a migration), natively per backend.
void execute_script(soci::session& session, const std::string& sql);

}  // namespace mercato::kernel
