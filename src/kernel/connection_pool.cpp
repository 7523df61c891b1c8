#include "kernel/connection_pool.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/problem.hpp"

namespace mercato::kernel {

ConnectionPool::ConnectionPool(Factory factory, Checks checks, std::size_t max_size,
                               std::chrono::milliseconds acquire_timeout)
    : factory_(std::move(factory)), checks_(std::move(checks)), max_size_(max_size), acquire_timeout_(acquire_timeout) {}

ConnectionPool::Lease::~Lease() {
    if (session_) pool_->release(std::move(session_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
    std::unique_lock lock(mutex_);
    ++stats_.waiting;
    const bool available = freed_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || stats_.open < max_size_; });
    --stats_.waiting;
    if (!available) {
        ++stats_.acquire_timeouts;
        throw Problem::unavailable("the database is busy; try again shortly");
    }
    ++stats_.in_use;
    ++stats_.acquired_total;
    if (!idle_.empty()) {
        Idle idle = std::move(idle_.back());
        idle_.pop_back();
        const bool stale = checks_.probe && std::chrono::steady_clock::now() - idle.since >= checks_.probe_after_idle;
        if (!stale) return Lease(*this, std::move(idle.session));
        // A connection that sat idle may have died with the server (a restart, a proxy's idle
        // timeout); finding out here costs a round trip, finding out in the caller's query a failure.
        lock.unlock();
        if (checks_.probe(*idle.session)) return Lease(*this, std::move(idle.session));
        spdlog::warn("replacing a database connection that died while idle");
        idle.session.reset();
        lock.lock();
    } else {
        ++stats_.open;
    }
    lock.unlock();
    try {
        return Lease(*this, factory_());
    } catch (const std::exception& e) {
        lock.lock();
        --stats_.open;
        --stats_.in_use;
        freed_.notify_one();
        spdlog::error("database connection failed: {}", e.what());
        throw Problem::unavailable("the database cannot be reached");
    }
}

void ConnectionPool::release(std::unique_ptr<soci::session> session) {
    const bool keep = checks_.after_use(*session);
    if (!keep) {
        spdlog::warn("dropping a broken database connection");
        session.reset();
    }
    std::lock_guard lock(mutex_);
    --stats_.in_use;
    if (keep) {
        idle_.push_back({std::move(session), std::chrono::steady_clock::now()});
    } else {
        --stats_.open;
    }
    freed_.notify_one();
}

PoolStats ConnectionPool::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

}  // namespace mercato::kernel
