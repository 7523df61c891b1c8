// What a write transaction does around its commit: writes it gathers and makes in one go just
// before COMMIT (the event bus's outbox rows), work that must wait until after it (waking
// consumers), and savepoints that take both back with the writes they undo.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace mercato::kernel {

// Runs fn once the enclosing ModuleDb::write transaction has committed; dropped if it rolls back.
// Callable only from inside a write (or a delivery the event bus runs in a transaction): throws
// std::logic_error elsewhere, because outside a transaction there is no commit to wait for.
void after_commit(std::function<void()> fn);

// As after_commit, but only the first registration under key in the transaction counts (one
// wake-up for many events). Returns whether this one did; a savepoint rolled back forgets it.
bool after_commit_once(const std::string& key, std::function<void()> fn);

// Rows a transaction gathers to write together: flushed before COMMIT, and before a savepoint opens
// (what came before it belongs to the enclosing scope); a savepoint rolled back discards them.
class PendingWrites {
public:
    virtual ~PendingWrites() = default;
    virtual void flush(soci::session& session) = 0;
    virtual void discard() = 0;
};

// The pending writes kept under key in the current write transaction, made by make() on first use.
// Throws std::logic_error outside a write transaction.
PendingWrites& pending_writes(const std::string& key, const std::function<std::unique_ptr<PendingWrites>()>& make);

// The module whose write transaction the calling thread is running work in; "" outside one.
const std::string& current_write_module();

// The work around one transaction's commit, installed for the thread running it.
class CommitHooks {
public:
    explicit CommitHooks(std::string module);
    ~CommitHooks();
    CommitHooks(const CommitHooks&) = delete;
    CommitHooks& operator=(const CommitHooks&) = delete;

    // Writes what is pending; call just before COMMIT (a failure fails the transaction).
    void flush(soci::session& session);
    // Runs what was registered, in order; a hook that throws is logged and the others still run.
    void run();

private:
    friend class Savepoint;
    friend const std::string& current_write_module();
    friend bool after_commit_once(const std::string& key, std::function<void()> fn);
    friend PendingWrites& pending_writes(const std::string& key, const std::function<std::unique_ptr<PendingWrites>()>& make);
    struct Hook {
        std::string key;  // "" for hooks that may repeat
        std::function<void()> fn;
    };
    std::vector<Hook> hooks_;
    std::vector<std::pair<std::string, std::unique_ptr<PendingWrites>>> pending_;
    std::string module_;
    CommitHooks* outer_;
};

// A SAVEPOINT inside the current transaction: release() writes what its scope left pending and keeps
// its work (so a failing write fails this scope, not the next); going out of scope without release()
// rolls the work back, with the pending writes and after-commit hooks of its scope.
class Savepoint {
public:
    Savepoint(soci::session& session, std::string name);
    ~Savepoint();
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;

    void release();

private:
    soci::session& session_;
    std::string name_;
    std::size_t hooks_mark_;
    std::size_t pending_mark_;
    bool done_ = false;
};

}  // namespace mercato::kernel
