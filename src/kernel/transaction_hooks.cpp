#include "kernel/transaction_hooks.hpp"

#include <algorithm>
#include <stdexcept>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

namespace mercato::kernel {

namespace {
// The transaction the calling thread is running work in. Writers' functions run synchronously on
// the thread that owns the transaction (SQLite's group-commit leader included), so this is exact.
thread_local CommitHooks* current_hooks = nullptr;
}  // namespace

CommitHooks::CommitHooks(std::string module) : module_(std::move(module)), outer_(current_hooks) { current_hooks = this; }
CommitHooks::~CommitHooks() { current_hooks = outer_; }

void CommitHooks::run() {
    auto hooks = std::move(hooks_);
    hooks_.clear();
    for (auto& hook : hooks) {
        try {
            hook.fn();
        } catch (const std::exception& e) {
            spdlog::error("after-commit hook failed: {}", e.what());
        }
    }
}

const std::string& current_write_module() {
    static const std::string none;
    return current_hooks == nullptr ? none : current_hooks->module_;
}

void CommitHooks::flush(soci::session& session) {
    for (auto& [key, writes] : pending_) writes->flush(session);
}

PendingWrites& pending_writes(const std::string& key, const std::function<std::unique_ptr<PendingWrites>()>& make) {
    if (current_hooks == nullptr) throw std::logic_error("pending_writes() called outside a write transaction");
    auto& pending = current_hooks->pending_;
    for (auto& [k, writes] : pending) {
        if (k == key) return *writes;
    }
    pending.emplace_back(key, make());
    return *pending.back().second;
}

void after_commit(std::function<void()> fn) { after_commit_once("", std::move(fn)); }

bool after_commit_once(const std::string& key, std::function<void()> fn) {
    if (current_hooks == nullptr) throw std::logic_error("after_commit() called outside a write transaction");
    auto& hooks = current_hooks->hooks_;
    if (!key.empty() && std::any_of(hooks.begin(), hooks.end(), [&](const CommitHooks::Hook& h) { return h.key == key; })) {
        return false;
    }
    hooks.push_back({key, std::move(fn)});
    return true;
}

Savepoint::Savepoint(soci::session& session, std::string name)
    : session_(session), name_(std::move(name)), hooks_mark_(current_hooks ? current_hooks->hooks_.size() : 0),
      pending_mark_(current_hooks ? current_hooks->pending_.size() : 0) {
    // Rows gathered so far belong to the enclosing scope: written now, a rollback here cannot lose them.
    if (current_hooks != nullptr) current_hooks->flush(session_);
    session_ << "SAVEPOINT " + name_;
}

Savepoint::~Savepoint() {
    if (done_) return;
    if (current_hooks != nullptr) {
        // Everything pending was gathered inside this savepoint, since its start flushed the rest.
        for (auto& [key, writes] : current_hooks->pending_) writes->discard();
        current_hooks->pending_.resize(pending_mark_);
        if (current_hooks->hooks_.size() > hooks_mark_) current_hooks->hooks_.resize(hooks_mark_);
    }
    try {
        session_ << "ROLLBACK TO " + name_;
        session_ << "RELEASE " + name_;
    } catch (const std::exception& e) {
        // The connection failed: the whole transaction fails with it when it tries to commit.
        spdlog::warn("rolling back savepoint {} failed: {}", name_, e.what());
    }
}

void Savepoint::release() {
    if (current_hooks != nullptr) current_hooks->flush(session_);
    session_ << "RELEASE " + name_;
    done_ = true;
}

}  // namespace mercato::kernel
