// Work that must wait for a write transaction to commit (waking the event bus), and savepoints
// that take such work back with the writes they undo.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace mercato::kernel {

// Runs fn once the enclosing ModuleDb::write transaction has committed; dropped if it rolls back.
// Callable only from inside a write (or a delivery the event bus runs in a transaction): throws
// std::logic_error elsewhere, because outside a transaction there is no commit to wait for.
void after_commit(std::function<void()> fn);

// The after-commit work of one transaction, installed for the thread running it.
class CommitHooks {
public:
    CommitHooks();
    ~CommitHooks();
    CommitHooks(const CommitHooks&) = delete;
    CommitHooks& operator=(const CommitHooks&) = delete;

    // Runs what was registered, in order; a hook that throws is logged and the others still run.
    void run();

private:
    friend class Savepoint;
    friend void after_commit(std::function<void()> fn);
    std::vector<std::function<void()>> hooks_;
    CommitHooks* outer_;
};

// A SAVEPOINT inside the current transaction: release() keeps its work, and going out of scope
// without release() rolls the work back, after-commit hooks registered meanwhile included.
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
    bool done_ = false;
};

}  // namespace mercato::kernel
