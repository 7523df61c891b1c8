#include "kernel/bus/pg_control.hpp"

#include <algorithm>

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace mercato::kernel::bus {

namespace {

// Advisory lock key space of group leadership (migrations use 7243).
constexpr const char* try_lock_sql = "SELECT pg_try_advisory_lock(7244, hashtext($1))";
constexpr const char* notify_sql = "SELECT pg_notify($1, $2)";

PGconn* pg(void* conn) { return static_cast<PGconn*>(conn); }

}  // namespace

PgControl::PgControl(std::string conninfo, std::vector<std::string> groups, Callbacks callbacks,
                     std::chrono::milliseconds interval)
    : conninfo_(std::move(conninfo)), groups_(std::move(groups)), callbacks_(std::move(callbacks)), interval_(interval),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

PgControl::~PgControl() {
    stop();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

void PgControl::start() {
    thread_ = std::thread([this] { run(); });
}

void PgControl::stop() {
    stopping_ = true;
    interrupt();
    if (thread_.joinable()) thread_.join();
    drop_connection();
}

void PgControl::interrupt() {
    const std::uint64_t one = 1;
    if (wake_fd_ >= 0) [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void PgControl::drain_wake() {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(wake_fd_, &count, sizeof count);
}

void PgControl::announce(const std::string& source) {
    {
        std::lock_guard lock(mutex_);
        if (!announcements_.insert(source).second) return;  // one is on its way already
    }
    interrupt();
}

bool PgControl::send_announcements() {
    std::set<std::string> sources;
    {
        std::lock_guard lock(mutex_);
        sources.swap(announcements_);
    }
    for (const auto& source : sources) {
        const char* params[] = {notify_channel, source.c_str()};
        PGresult* result = PQexecParams(pg(conn_), notify_sql, 2, nullptr, params, nullptr, nullptr, 0);
        const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK;
        PQclear(result);
        // Lost with the connection: the other copies' polling finds the events instead.
        if (!ok) return false;
    }
    return true;
}

bool PgControl::holds(const std::string& group) const {
    std::lock_guard lock(mutex_);
    return held_.contains(group);
}

void PgControl::drop_connection() {
    std::set<std::string> lost;
    {
        std::lock_guard lock(mutex_);
        lost.swap(held_);
    }
    if (conn_ != nullptr) {
        PQfinish(pg(conn_));  // closing the session frees its advisory locks
        conn_ = nullptr;
    }
    if (!stopping_) {
        for (const auto& group : lost) callbacks_.leadership_changed(group);
    }
}

bool PgControl::connect() {
    conn_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(pg(conn_)) != CONNECTION_OK) {
        spdlog::warn("bus: cannot reach PostgreSQL for notifications and group locks: {}", PQerrorMessage(pg(conn_)));
        drop_connection();
        return false;
    }
    PGresult* result = PQexec(pg(conn_), (std::string("LISTEN ") + notify_channel).c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) {
        drop_connection();
        return false;
    }
    callbacks_.notified("");  // notices sent while we were not listening are lost: look at every log
    return true;
}

void PgControl::try_acquire() {
    for (const auto& group : groups_) {
        if (holds(group)) continue;
        const char* params[] = {group.c_str()};
        PGresult* result = PQexecParams(pg(conn_), try_lock_sql, 1, nullptr, params, nullptr, nullptr, 0);
        const bool acquired = PQresultStatus(result) == PGRES_TUPLES_OK && PQgetvalue(result, 0, 0)[0] == 't';
        PQclear(result);
        if (!acquired) continue;
        {
            std::lock_guard lock(mutex_);
            held_.insert(group);
        }
        spdlog::info("bus: this server copy now drives group {}", group);
        callbacks_.leadership_changed(group);
    }
}

// Waits until the given time for notices, an announcement or stop; returns false when the connection broke.
bool PgControl::wait_for_input(Clock::time_point until) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
    pollfd fds[2] = {{PQsocket(pg(conn_)), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(std::max<long long>(0, left)));
    if (ready <= 0 || stopping_) return true;
    if (fds[1].revents & POLLIN) drain_wake();
    if ((fds[0].revents & (POLLIN | POLLERR | POLLHUP)) == 0) return true;
    if (PQconsumeInput(pg(conn_)) == 0) return false;
    deliver_notices();
    return PQstatus(pg(conn_)) == CONNECTION_OK;
}

void PgControl::deliver_notices() {
    while (PGnotify* notice = PQnotifies(pg(conn_))) {
        callbacks_.notified(notice->extra);
        PQfreemem(notice);
    }
}

void PgControl::run() {
    // Trying for the groups this copy does not hold is a query per group: once an interval, not on
    // every notice.
    auto next_attempt = Clock::now();
    while (!stopping_) {
        if (conn_ == nullptr && !connect()) {
            pollfd wake{wake_fd_, POLLIN, 0};
            if (::poll(&wake, 1, static_cast<int>(interval_.count())) > 0) drain_wake();
            continue;
        }
        if (Clock::now() >= next_attempt) {
            try_acquire();
            next_attempt = Clock::now() + interval_;
        }
        // Notices that arrived while a query ran were buffered by libpq: hand them over before waiting.
        const bool sent = send_announcements();
        deliver_notices();
        if (!sent || !wait_for_input(next_attempt)) {
            spdlog::warn("bus: lost the PostgreSQL connection holding group locks; reconnecting");
            drop_connection();
        }
    }
}

}  // namespace mercato::kernel::bus
