#include "kernel/bus/bus.hpp"

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/bus/consumer_store.hpp"
#include "kernel/bus/group_runner.hpp"
#include "kernel/bus/log_store.hpp"
#include "kernel/bus/pg_control.hpp"
#include "kernel/bus/trace_context.hpp"
#include "kernel/clock.hpp"
#include "kernel/database.hpp"
#include "kernel/ids.hpp"
#include "kernel/metrics.hpp"
#include "kernel/problem.hpp"
#include "kernel/transaction_hooks.hpp"

namespace mercato::kernel::bus {

namespace {

// How often old log rows are looked for; retention is counted in days, so minutes are precise enough.
constexpr std::chrono::minutes prune_interval{5};
constexpr std::size_t max_key_length = 255;
constexpr std::size_t status_dead_letters = 100;

// Topics are "<module>.<event>", lower case with dashes, as Kafka topic names would be.
bool valid_topic_name(const std::string& topic) {
    if (topic.empty() || topic.size() > 200) return false;
    for (char c : topic) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) return false;
    }
    return !topic_module(topic).empty() && topic.back() != '.';
}

// The events one transaction publishes to one module's log, written together just before it commits.
struct OutboxRows : PendingWrites {
    OutboxRows(Backend db_backend, std::string log) : backend(db_backend), module(std::move(log)) {}
    void flush(soci::session& session) override {
        if (events.empty()) return;
        append_events(session, backend, module, events);
        events.clear();
    }
    void discard() override { events.clear(); }

    Backend backend;
    std::string module;
    std::vector<Envelope> events;
};

}  // namespace

struct Bus::Impl {
    Impl(std::shared_ptr<Database> database, MetricsRegistry& registry, BusOptions opts)
        : db(std::move(database)), metrics(registry), options(opts) {}

    void check_topic(const std::string& topic) const {
        if (!valid_topic_name(topic) || !db->serves(topic_module(topic))) {
            throw std::invalid_argument(fmt::format("'{}' is not a topic of a module this process serves", topic));
        }
    }

    void add(GroupSpec spec) {
        if (started) throw std::logic_error("subscribe before the bus starts");
        if (spec.group.empty() || !group_names.insert(spec.group).second) {
            throw std::invalid_argument(fmt::format("consumer group '{}' is empty or taken", spec.group));
        }
        if (spec.topics.empty()) throw std::invalid_argument(fmt::format("group '{}' subscribes to no topic", spec.group));
        std::set<std::string> sources;
        for (const auto& topic : spec.topics) {
            check_topic(topic);
            sources.insert(topic_module(topic));
        }
        spec.sources.assign(sources.begin(), sources.end());
        RunnerContext context{db, &metrics, {options.max_attempts, options.backoff_initial, options.backoff_max},
                              options.batch_size, options.poll_interval, options.linger,
                              [this](const std::string& group) { return control == nullptr || control->holds(group); }};
        auto runner = std::make_shared<GroupRunner>(std::move(spec), std::move(context));
        metrics.gauge("mercato_bus_lag", "Events in the group's source logs not yet handled, as this copy last saw",
                      {{"group", runner->spec().group}}, [runner] { return static_cast<double>(runner->lag()); });
        metrics.gauge("mercato_bus_retrying", "Events of the group waiting for another try", {{"group", runner->spec().group}},
                      [runner] { return static_cast<double>(runner->retrying()); });
        runners.push_back(std::move(runner));
    }

    void wake(const std::string& source) {
        for (auto& runner : runners) {
            if (source.empty() || runner->consumes(source)) runner->wake();
        }
    }

    void wake_group(const std::string& group) {
        for (auto& runner : runners) {
            if (runner->spec().group == group) runner->wake();
        }
    }

    Counter& published(const std::string& topic) {
        return metrics.counter("mercato_bus_published_total", "Events committed to a module's log, by topic",
                               {{"topic", topic}});
    }

    // The lowest position of every group reading source: nothing above it may be pruned. Durable
    // groups' positions are in their modules' tables (the same for every copy); local groups'
    // are this copy's (other copies' local projections rely on the retention age).
    std::int64_t passed_by_all(const std::string& source) {
        std::int64_t lowest = std::numeric_limits<std::int64_t>::max();
        for (auto& runner : runners) {
            if (!runner->consumes(source)) continue;
            const auto& spec = runner->spec();
            if (spec.local()) {
                lowest = std::min(lowest, runner->position(source));
                continue;
            }
            const auto position = db->module(spec.module).read([&](soci::session& s) {
                return load_position(s, db->backend(), {spec.module, spec.group, source}, false);
            });
            lowest = std::min(lowest, position ? position->committed : 0);
        }
        return lowest;
    }

    void housekeeping() {
        std::unique_lock lock(mutex);
        while (!stopping) {
            stop_cv.wait_for(lock, prune_interval, [this] { return stopping; });
            if (stopping) return;
            lock.unlock();
            try {
                prune_all();
            } catch (const std::exception& e) {
                spdlog::warn("bus: pruning the logs failed: {}", e.what());
            }
            lock.lock();
        }
    }

    std::size_t prune_all() {
        const std::string cutoff = format_rfc3339(std::chrono::system_clock::now() - options.retention);
        std::size_t pruned = 0;
        for (const auto& source : db->modules()) {
            const std::int64_t upto = passed_by_all(source);
            if (upto <= 0) continue;
            pruned += db->module(source).write([&](soci::session& s) { return prune_events(s, db->backend(), source, upto, cutoff); });
        }
        return pruned;
    }

    std::shared_ptr<Database> db;
    MetricsRegistry& metrics;
    BusOptions options;
    std::vector<std::shared_ptr<GroupRunner>> runners;
    std::set<std::string> group_names;
    std::unique_ptr<PgControl> control;
    bool started = false;

    std::mutex mutex;
    std::condition_variable stop_cv;
    bool stopping = false;
    std::thread housekeeper;
};

Bus::Bus(std::shared_ptr<Database> db, MetricsRegistry& metrics, BusOptions options)
    : impl_(std::make_unique<Impl>(std::move(db), metrics, options)) {}

Bus::~Bus() { stop(); }

void Bus::subscribe(Subscription subscription) {
    if (!impl_->db->serves(subscription.module)) {
        throw std::invalid_argument(fmt::format("group '{}': '{}' is not a module this process serves",
                                                subscription.group, subscription.module));
    }
    if (!subscription.handler) throw std::invalid_argument("a subscription needs a handler");
    GroupSpec spec{subscription.group, subscription.module, subscription.topics, {},
                   [handler = std::move(subscription.handler)](const Envelope& e, soci::session* s) { handler(e, *s); },
                   {}};
    impl_->add(std::move(spec));
}

void Bus::subscribe_local(LocalSubscription subscription) {
    if (!subscription.handler) throw std::invalid_argument("a subscription needs a handler");
    GroupSpec spec{subscription.group, "", subscription.topics, {},
                   [handler = std::move(subscription.handler)](const Envelope& e, soci::session*) { handler(e); },
                   std::move(subscription.resume_after)};
    impl_->add(std::move(spec));
}

std::vector<std::string> Bus::subscribed_topics() const {
    std::set<std::string> topics;
    for (const auto& runner : impl_->runners) topics.insert(runner->spec().topics.begin(), runner->spec().topics.end());
    return {topics.begin(), topics.end()};
}

std::string Bus::publish(soci::session& session, const Event& event) {
    std::vector<FieldError> errors;
    if (!valid_topic_name(event.topic)) errors.push_back({"topic", "must be <module>.<event>, lower case"});
    const std::string source = topic_module(event.topic);
    if (errors.empty() && !impl_->db->serves(source)) {
        errors.push_back({"topic", fmt::format("'{}' is not a module this process serves", source)});
    }
    if (event.key.empty() || event.key.size() > max_key_length) errors.push_back({"key", "must be 1 to 255 characters"});
    if (!nlohmann::json::parse(event.payload, nullptr, false).is_object()) errors.push_back({"payload", "must be a JSON object"});
    if (event.version < 1) errors.push_back({"version", "must be 1 or more"});
    if (!errors.empty()) throw Problem::unprocessable("the event cannot be published", std::move(errors));
    // A module's transaction touches only its own schema (DESIGN rule 3), its log included.
    if (current_write_module() != source) {
        throw std::logic_error(fmt::format("{} can be published only inside a write of module {} (this is {})",
                                           event.topic, source,
                                           current_write_module().empty() ? "no write" : current_write_module()));
    }

    Envelope envelope;
    envelope.id = new_id("evt");
    envelope.topic = event.topic;
    envelope.key = event.key;
    envelope.occurred_at = rfc3339_now();
    envelope.version = event.version;
    envelope.payload = event.payload;
    envelope.traceparent = next_traceparent(event.traceparent.empty() ? current_traceparent() : event.traceparent);
    const std::string id = envelope.id;
    auto& outbox = pending_writes("bus.outbox." + source, [&] {
        return std::make_unique<OutboxRows>(impl_->db->backend(), source);
    });
    static_cast<OutboxRows&>(outbox).events.push_back(std::move(envelope));
    after_commit([counter = &impl_->published(event.topic)] { counter->inc(); });
    // One wake-up per transaction and log, however many events it publishes; other copies hear of it
    // from this copy's PostgreSQL connection once the commit is done.
    after_commit_once("bus.wake." + source, [impl = impl_.get(), source] {
        impl->wake(source);
        if (impl->control) impl->control->announce(source);
    });
    return id;
}

void Bus::start() {
    auto& impl = *impl_;
    if (impl.started) return;
    impl.started = true;
    if (impl.db->backend() == Backend::postgresql) {
        std::vector<std::string> durable;
        for (const auto& runner : impl.runners) {
            if (!runner->spec().local()) durable.push_back(runner->spec().group);
        }
        impl.control = std::make_unique<PgControl>(
            impl.db->pg_conninfo(), std::move(durable),
            PgControl::Callbacks{[&impl](const std::string& source) { impl.wake(source); },
                                 [&impl](const std::string& group) { impl.wake_group(group); }},
            impl.options.poll_interval);
        impl.control->start();
    }
    for (auto& runner : impl.runners) runner->start();
    impl.housekeeper = std::thread([&impl] { impl.housekeeping(); });
}

void Bus::stop() {
    auto& impl = *impl_;
    {
        std::lock_guard lock(impl.mutex);
        if (impl.stopping) return;
        impl.stopping = true;
    }
    impl.stop_cv.notify_all();
    if (impl.housekeeper.joinable()) impl.housekeeper.join();
    for (auto& runner : impl.runners) runner->stop();
    if (impl.control) impl.control->stop();  // after the runners: a group's lock is held until its last batch is in
}

std::size_t Bus::prune() { return impl_->prune_all(); }

std::int64_t Bus::pruned_through(const std::string& module) {
    auto& impl = *impl_;
    return impl.db->module(module).read([&](soci::session& s) { return kernel::bus::pruned_through(s, impl.db->backend(), module); });
}

std::int64_t Bus::head(const std::string& module) {
    auto& impl = *impl_;
    return impl.db->module(module).read([&](soci::session& s) { return head_offset(s, impl.db->backend(), module); });
}

std::vector<GroupStatus> Bus::status() {
    auto& impl = *impl_;
    std::map<std::string, std::int64_t> heads;
    auto head = [&](const std::string& source) {
        auto it = heads.find(source);
        if (it != heads.end()) return it->second;
        // Events committed but not yet numbered (PostgreSQL) count as the log's newest.
        const auto h = impl.db->module(source).read([&](soci::session& s) {
            return head_offset(s, impl.db->backend(), source) + unsequenced_count(s, impl.db->backend(), source);
        });
        return heads[source] = h;
    };
    std::vector<GroupStatus> out;
    for (const auto& runner : impl.runners) {
        const auto& spec = runner->spec();
        GroupStatus st;
        st.group = spec.group;
        st.module = spec.module;
        st.local = spec.local();
        st.driving = spec.local() || impl.control == nullptr || impl.control->holds(spec.group);
        st.topics = spec.topics;
        st.retrying = runner->retrying();
        for (const auto& source : spec.sources) {
            SourceLag lag{source, 0, head(source)};
            if (spec.local()) {
                lag.committed = runner->position(source);
            } else {
                const auto position = impl.db->module(spec.module).read([&](soci::session& s) {
                    return load_position(s, impl.db->backend(), {spec.module, spec.group, source}, false);
                });
                lag.committed = position ? position->committed : 0;
            }
            st.lag += std::max<std::int64_t>(0, lag.head - lag.committed);
            st.sources.push_back(std::move(lag));
        }
        if (spec.local()) {
            st.dead_letters = runner->local_dead_letters();
        } else {
            st.dead_letters = impl.db->module(spec.module).read(
                [&](soci::session& s) { return dead_letters(s, spec.module, spec.group, status_dead_letters); });
        }
        out.push_back(std::move(st));
    }
    return out;
}

DeadLetter Bus::replay(const std::string& dead_letter_id) {
    auto& impl = *impl_;
    for (const auto& runner : impl.runners) {
        const auto& spec = runner->spec();
        if (spec.local()) {
            if (runner->has_local_letter(dead_letter_id)) return runner->replay(dead_letter_id);
            continue;
        }
        const auto found = impl.db->module(spec.module).read([&](soci::session& s) {
            return find_dead_letter(s, impl.db->backend(), spec.module, dead_letter_id, false);
        });
        if (found && found->group == spec.group) return runner->replay(dead_letter_id);
    }
    throw Problem::not_found("no such dead letter");
}

}  // namespace mercato::kernel::bus
