#include "kernel/transaction_hooks.hpp"

#include <stdexcept>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

namespace mercato::kernel {

namespace {
// The transaction the calling thread is running work in. Writers' functions run synchronously on
// the thread that owns the transaction (SQLite's group-commit leader included), so this is exact.
thread_local CommitHooks* current_hooks = nullptr;
}  // namespace

CommitHooks::CommitHooks() : outer_(current_hooks) { current_hooks = this; }
CommitHooks::~CommitHooks() { current_hooks = outer_; }

void CommitHooks::run() {
    auto hooks = std::move(hooks_);
    hooks_.clear();
    for (auto& hook : hooks) {
        try {
            hook();
        } catch (const std::exception& e) {
            spdlog::error("after-commit hook failed: {}", e.what());
        }
    }
}

void after_commit(std::function<void()> fn) {
    if (current_hooks == nullptr) throw std::logic_error("after_commit() called outside a write transaction");
    current_hooks->hooks_.push_back(std::move(fn));
}

Savepoint::Savepoint(soci::session& session, std::string name)
    : session_(session), name_(std::move(name)), hooks_mark_(current_hooks ? current_hooks->hooks_.size() : 0) {
    session_ << "SAVEPOINT " + name_;
}

Savepoint::~Savepoint() {
    if (done_) return;
    if (current_hooks != nullptr && current_hooks->hooks_.size() > hooks_mark_) current_hooks->hooks_.resize(hooks_mark_);
    try {
        session_ << "ROLLBACK TO " + name_;
        session_ << "RELEASE " + name_;
    } catch (const std::exception& e) {
        // The connection failed: the whole transaction fails with it when it tries to commit.
        spdlog::warn("rolling back savepoint {} failed: {}", name_, e.what());
    }
}

void Savepoint::release() {
    session_ << "RELEASE " + name_;
    done_ = true;
}

}  // namespace mercato::kernel
