// The in-process event bus (DESIGN rule 4): modules append events to their own outbox inside the
// transaction that changes their state, and consumer groups read those logs in order per key, at
// least once, with retries, dead letters and, on PostgreSQL, one driving server copy per group.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/bus/envelope.hpp"

namespace soci {
class session;
}

namespace mercato::kernel {
class Database;
class MetricsRegistry;
}  // namespace mercato::kernel

namespace mercato::kernel::bus {

struct BusOptions {
    int max_attempts = 8;  // tries before an event is dead-lettered
    std::chrono::milliseconds backoff_initial{200};
    std::chrono::milliseconds backoff_max{30'000};
    // The safety net behind the wake-ups: how often every log is looked at anyway, and how soon a
    // server copy notices that the copy driving a group has died.
    std::chrono::milliseconds poll_interval{1'000};
    std::size_t batch_size = 500;  // events read and handled per consumer transaction
    // How long a group woken by a commit waits before its round, so that under load one round takes
    // the events of many commits (each round costs a few transactions, on PostgreSQL a sequencing
    // commit among them). 0: at once, the lowest latency.
    std::chrono::milliseconds linger{0};
    std::chrono::seconds retention{7 * 24 * 3600};  // log rows every group has passed are kept this long
};

// Handles one event inside a transaction of the consuming module (session): what it writes there
// commits together with the group's offset, or not at all. Throwing means "try again later".
using Handler = std::function<void(const Envelope&, soci::session&)>;

struct Subscription {
    std::string group;   // "notifications.order-mail": unique, owned by the consuming module
    std::string module;  // the consuming module; its schema keeps the group's offsets and dead letters
    std::vector<std::string> topics;
    Handler handler;
};

// A projection that lives in the process (a search index): every server copy runs its own, with no
// database transaction, and it says where it stands so an empty projection starts from offset zero.
struct LocalSubscription {
    std::string group;
    std::vector<std::string> topics;
    std::function<void(const Envelope&)> handler;
    // The last offset of a source module's log the projection has applied (0: none).
    std::function<std::int64_t(const std::string& source)> resume_after;
};

struct DeadLetter {
    std::string id;  // "dlq_..."
    std::string group;
    Envelope event;
    std::string error;
    int attempts = 0;
    std::string failed_at;
    std::string status;  // "dead", or "replayed" once a replay succeeded
};

struct SourceLag {
    std::string source;
    std::int64_t committed = 0;  // every event up to here is handled or dead-lettered
    std::int64_t head = 0;       // the newest offset in the log
};

struct GroupStatus {
    std::string group;
    std::string module;  // "" for a local group
    bool local = false;
    bool driving = false;  // this server copy is the one handling the group's events
    std::vector<std::string> topics;
    std::vector<SourceLag> sources;
    std::int64_t lag = 0;
    std::size_t retrying = 0;  // events waiting for another try (as this copy sees them)
    std::vector<DeadLetter> dead_letters;  // not yet replayed, oldest first
};

class Bus {
public:
    Bus(std::shared_ptr<Database> db, MetricsRegistry& metrics, BusOptions options = {});
    ~Bus();
    Bus(const Bus&) = delete;
    Bus& operator=(const Bus&) = delete;

    // Subscriptions are made before start(). Throws std::invalid_argument for an unknown module or
    // topic, or a group name used twice.
    void subscribe(Subscription subscription);
    void subscribe_local(LocalSubscription subscription);
    // Every topic some group, durable or local, subscribes to: each once, sorted.
    std::vector<std::string> subscribed_topics() const;

    // Appends event to its module's outbox through session, which must be inside that module's
    // ModuleDb::write; consumers are woken once that transaction commits. Returns the event id.
    // Throws Problem 422 for a malformed topic, key or payload.
    std::string publish(soci::session& session, const Event& event);

    // Starts delivering on threads of the bus's own, then stop() finishes the batches in hand.
    void start();
    void stop();

    // The newest numbered offset of a module's log (0 when empty): where an in-process projection
    // that needs no history (a cache) starts reading. Events committed but not yet numbered come after it.
    std::int64_t head(const std::string& module);
    // The newest offset retention has deleted from a module's log (0: none): an in-process projection
    // whose position is behind it cannot catch up from the log, and rebuilds from its source instead.
    std::int64_t pruned_through(const std::string& module);

    // Reads the database: call from a worker thread.
    std::vector<GroupStatus> status();
    // Deletes log rows that every group has passed and that are older than the retention; returns
    // how many. The bus does this by itself every few minutes; blocks on the database.
    std::size_t prune();

    // Delivers a dead letter once more, now. Problem 404 for an unknown id, 409 when it was already
    // replayed, 422 (with the handler's error) when the handler fails again; the letter then stays.
    DeadLetter replay(const std::string& dead_letter_id);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::kernel::bus
