#include "kernel/connection_pool.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/problem.hpp"

namespace mercato::kernel {

ConnectionPool::ConnectionPool(Factory factory, HealthCheck healthy, std::size_t max_size,
                               std::chrono::milliseconds acquire_timeout)
    : factory_(std::move(factory)), healthy_(std::move(healthy)), max_size_(max_size), acquire_timeout_(acquire_timeout) {}

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
        auto session = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(session));
    }
    ++stats_.open;
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
    const bool keep = healthy_(*session);
    if (!keep) {
        spdlog::warn("dropping a broken database connection");
        session.reset();
    }
    std::lock_guard lock(mutex_);
    --stats_.in_use;
    if (keep) {
        idle_.push_back(std::move(session));
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
