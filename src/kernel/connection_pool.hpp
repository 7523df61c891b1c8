// A bounded pool of SOCI sessions, created on demand, with a deadline on waiting for one.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "kernel/database.hpp"

namespace mercato::kernel {

class ConnectionPool {
public:
    using Factory = std::function<std::unique_ptr<soci::session>()>;
    using HealthCheck = std::function<bool(soci::session&)>;

    struct Checks {
        HealthCheck after_use;  // cheap, local: may this session go back to the pool?
        HealthCheck probe;      // a round trip, for a session that sat idle; empty when never needed
        std::chrono::milliseconds probe_after_idle{5000};
    };

    ConnectionPool(Factory factory, Checks checks, std::size_t max_size, std::chrono::milliseconds acquire_timeout);

    // A borrowed session; goes back to the pool on destruction, or is dropped when it is no longer healthy.
    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<soci::session> session) : pool_(&pool), session_(std::move(session)) {}
        Lease(Lease&&) = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        soci::session& operator*() const noexcept { return *session_; }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<soci::session> session_;
    };

    // Throws Problem 503 when no session frees up within the deadline or a new one cannot connect.
    Lease acquire();
    PoolStats stats() const;

private:
    void release(std::unique_ptr<soci::session> session);

    Factory factory_;
    Checks checks_;
    std::size_t max_size_;
    std::chrono::milliseconds acquire_timeout_;

    mutable std::mutex mutex_;
    std::condition_variable freed_;
    struct Idle {
        std::unique_ptr<soci::session> session;
        std::chrono::steady_clock::time_point since;
    };
    std::vector<Idle> idle_;
    PoolStats stats_;
};

}  // namespace mercato::kernel
