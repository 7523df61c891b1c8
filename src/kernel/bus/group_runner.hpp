// One consumer group at work: a thread that reads the group's source logs, hands each event to the
// handler in order per key, retries failures with backoff while other keys flow, dead-letters what
// keeps failing, and commits its position (with the handler's writes, for a durable group).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kernel/bus/bus.hpp"
#include "kernel/bus/consumer_store.hpp"
#include "kernel/bus/retry_policy.hpp"

namespace mercato::kernel {
class Counter;
}

namespace mercato::kernel::bus {

struct GroupSpec {
    std::string group;
    std::string module;  // the consuming module; "" for a local group
    std::vector<std::string> topics;
    std::vector<std::string> sources;  // the modules whose logs hold those topics
    // session is the consuming module's transaction; null for a local group.
    std::function<void(const Envelope&, soci::session*)> handler;
    std::function<std::int64_t(const std::string& source)> resume_after;  // local groups only

    bool local() const { return module.empty(); }
};

struct RunnerContext {
    std::shared_ptr<Database> db;
    MetricsRegistry* metrics = nullptr;
    RetryPolicy retry;
    std::size_t batch_size = 500;
    std::chrono::milliseconds poll_interval{1'000};
    std::chrono::milliseconds linger{0};
    // Whether this server copy may handle the group's events now (PostgreSQL: it holds the group's lock).
    std::function<bool(const std::string& group)> may_drive;
};

class GroupRunner {
public:
    GroupRunner(GroupSpec spec, RunnerContext context);
    ~GroupRunner();
    GroupRunner(const GroupRunner&) = delete;
    GroupRunner& operator=(const GroupRunner&) = delete;

    void start();
    void stop();
    // Something may have arrived in a source log, or leadership changed: look now.
    void wake();

    const GroupSpec& spec() const noexcept { return spec_; }
    bool consumes(const std::string& source) const;
    // Read without waiting for a delivery round (a metrics scrape runs on an I/O thread).
    std::size_t retrying() const noexcept { return retrying_.load(); }
    std::int64_t lag() const noexcept { return lag_.load(); }
    std::vector<DeadLetter> local_dead_letters() const;
    // Whether this local group dead-lettered the event with that id (replayed since or not).
    bool has_local_letter(const std::string& dead_letter_id) const;
    // Where this runner stands in a source log (0 before it has loaded); waits for a round in progress.
    std::int64_t position(const std::string& source) const;

    // Hands a dead letter to the handler once more (durable: in the consuming module's transaction,
    // marking it replayed). Problem 409 when it was replayed already, 422 when the handler fails again.
    DeadLetter replay(const std::string& dead_letter_id);

private:
    struct Cursor {
        std::string source;
        std::optional<Position> stored;  // durable groups: the row as this runner last committed it
        std::int64_t committed = 0;
        std::int64_t fetched = 0;  // the highest offset read
        std::int64_t head = 0;
        std::set<std::int64_t> done;                // handled beyond committed
        std::map<std::int64_t, Envelope> pending;  // read and not yet handled, in offset order
    };
    struct Failure {
        int attempts = 0;
        std::chrono::steady_clock::time_point next_try;
        std::string error;
    };
    enum class Result { handled, skipped, retry, dead };
    struct Outcome {
        const Envelope* event;
        Result result;
        int attempts = 0;
        std::string error;
    };

    void run();
    void publish_gauges();
    // Whether this copy may deliver now; loads the position when it has none. Takes the work lock.
    bool prepare();
    void load();
    bool round(Cursor& cursor);
    std::vector<const Envelope*> eligible(const Cursor& cursor, std::chrono::steady_clock::time_point now) const;
    // Inside the consuming module's transaction: the position must be as this runner last committed
    // it (else another copy drove the group meanwhile: throws), and stays locked until the commit.
    void fence(soci::session& session, const Cursor& cursor);

    // A handler failed in a batch run without savepoints (a transaction of the consuming module).
    struct UnguardedFailure {
        const Envelope* event;
        std::string error;
    };

    // Runs the handler on one event; the error text when it throws. guarded: inside a savepoint,
    // so a failure undoes only this event's writes.
    std::optional<std::string> deliver(const Envelope& event, soci::session* session, bool guarded);
    // Hands the events to the handler, in order per key, and says what became of each. Unguarded in
    // a transaction, the first failure throws UnguardedFailure; known_failure is not handed over again.
    std::vector<Outcome> handle(const std::vector<const Envelope*>& work, soci::session* session, bool guarded,
                                const UnguardedFailure* known_failure);
    std::int64_t committed_after(const Cursor& cursor, const std::vector<Outcome>& outcomes) const;
    void persist(soci::session& session, Cursor& cursor, const std::vector<Outcome>& outcomes, std::int64_t committed);
    void apply(Cursor& cursor, const std::vector<Outcome>& outcomes, std::int64_t committed);
    std::chrono::steady_clock::time_point next_wake() const;
    bool subscribed(const std::string& topic) const;
    Counter& counter(const char* name, const char* help, const std::string& topic);

    GroupSpec spec_;
    RunnerContext context_;
    std::set<std::string> topics_;

    mutable std::mutex wake_mutex_;
    std::condition_variable wake_cv_;
    bool woken_ = true;
    bool stopping_ = false;
    std::thread thread_;

    // Everything below is the runner thread's, held under work_mutex_ while a round runs, so a replay
    // or a status read (which take it too) sees it between rounds.
    mutable std::mutex work_mutex_;
    bool loaded_ = false;
    std::vector<Cursor> cursors_;
    std::map<std::pair<std::string, std::string>, Failure> failing_;  // (source, key) -> its head event's failures
    std::vector<DeadLetter> local_letters_;
    std::atomic<std::size_t> retrying_{0};
    std::atomic<std::int64_t> lag_{0};
};

}  // namespace mercato::kernel::bus
