// A server copy's own PostgreSQL connection for the bus: it LISTENs for "new events" notices from
// the other copies and sends this copy's, and holds the session advisory locks that say which copy
// drives which group. When the copy dies its connection closes, PostgreSQL frees its locks, and
// another copy takes over.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mercato::kernel::bus {

inline constexpr const char* notify_channel = "mercato_bus";

class PgControl {
public:
    struct Callbacks {
        std::function<void(const std::string& source)> notified;  // "" after a reconnect: any log may have news
        std::function<void(const std::string& group)> leadership_changed;
    };

    PgControl(std::string conninfo, std::vector<std::string> groups, Callbacks callbacks,
              std::chrono::milliseconds interval);
    ~PgControl();
    PgControl(const PgControl&) = delete;
    PgControl& operator=(const PgControl&) = delete;

    void start();
    void stop();
    bool holds(const std::string& group) const;
    // Tells every copy (this one included) that source's log has news. Called after the publishing
    // commit, and sent from this connection: a NOTIFY inside the publishing transaction would make
    // PostgreSQL serialize the commits of concurrent publishers. Announcements made close together
    // go out as one.
    void announce(const std::string& source);

private:
    using Clock = std::chrono::steady_clock;

    void run();
    void drop_connection();
    bool connect();
    void try_acquire();
    bool send_announcements();
    bool wait_for_input(Clock::time_point until);
    void deliver_notices();
    void interrupt();
    void drain_wake();

    std::string conninfo_;
    std::vector<std::string> groups_;
    Callbacks callbacks_;
    std::chrono::milliseconds interval_;

    mutable std::mutex mutex_;
    std::set<std::string> held_;
    std::set<std::string> announcements_;
    std::atomic<bool> stopping_{false};
    int wake_fd_ = -1;  // an eventfd that interrupts the wait, on stop() and on an announcement
    void* conn_ = nullptr;  // PGconn*, the runner thread's alone
    std::thread thread_;
};

}  // namespace mercato::kernel::bus
