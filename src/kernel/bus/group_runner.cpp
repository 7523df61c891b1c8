#include "kernel/bus/group_runner.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <random>

#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/bus/log_store.hpp"
#include "kernel/bus/trace_context.hpp"
#include "kernel/clock.hpp"
#include "kernel/database.hpp"
#include "kernel/ids.hpp"
#include "kernel/metrics.hpp"
#include "kernel/problem.hpp"
#include "kernel/transaction_hooks.hpp"

namespace mercato::kernel::bus {

namespace {

using Clock = std::chrono::steady_clock;

// Another copy committed for this group since we loaded: it drives the group now, or did meanwhile.
struct Fenced : std::runtime_error {
    Fenced() : std::runtime_error("another server copy moved this group's position") {}
};

double jitter() {
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.5, 1.0)(rng);
}

// One per source log: this process's groups take turns numbering it.
std::mutex& sequencer_turn(const std::string& source) {
    static std::mutex registry;
    static std::map<std::string, std::mutex, std::less<>> turns;
    std::lock_guard lock(registry);
    return turns[source];
}

// PostgreSQL: numbers what has committed in the source log since the last look, so it can be read
// in order. A read first keeps an idle group from queueing on the log's head row. The groups of a
// source wake together when it publishes: they take turns here rather than on the head row, where
// each would hold a pooled connection while it waits and then find nothing left to number.
void sequence(Database& db, const std::string& source, std::size_t limit) {
    if (db.backend() != Backend::postgresql) return;
    auto log = db.module(source);
    std::lock_guard turn(sequencer_turn(source));
    if (log.read([&](soci::session& s) { return has_unsequenced(s, source); })) {
        log.write([&](soci::session& s) { sequence_events(s, source, limit); });
    }
}

std::string error_text(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace

GroupRunner::GroupRunner(GroupSpec spec, RunnerContext context)
    : spec_(std::move(spec)), context_(std::move(context)), topics_(spec_.topics.begin(), spec_.topics.end()) {}

GroupRunner::~GroupRunner() { stop(); }

void GroupRunner::start() {
    thread_ = std::thread([this] { run(); });
}

void GroupRunner::stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void GroupRunner::wake() {
    {
        std::lock_guard lock(wake_mutex_);
        woken_ = true;
    }
    wake_cv_.notify_all();
}

bool GroupRunner::consumes(const std::string& source) const {
    return std::find(spec_.sources.begin(), spec_.sources.end(), source) != spec_.sources.end();
}

bool GroupRunner::subscribed(const std::string& topic) const { return topics_.contains(topic); }

void GroupRunner::publish_gauges() {
    std::int64_t total = 0;
    for (const auto& c : cursors_) total += std::max<std::int64_t>(0, c.head - c.committed);
    lag_ = total;
    retrying_ = failing_.size();
}

bool GroupRunner::has_local_letter(const std::string& dead_letter_id) const {
    std::lock_guard lock(work_mutex_);
    return std::any_of(local_letters_.begin(), local_letters_.end(),
                       [&](const DeadLetter& d) { return d.id == dead_letter_id; });
}

std::int64_t GroupRunner::position(const std::string& source) const {
    std::lock_guard lock(work_mutex_);
    for (const auto& c : cursors_) {
        if (c.source == source) return c.committed;
    }
    return 0;
}

std::vector<DeadLetter> GroupRunner::local_dead_letters() const {
    std::lock_guard lock(work_mutex_);
    std::vector<DeadLetter> out;
    for (const auto& d : local_letters_) {
        if (d.status == "dead") out.push_back(d);
    }
    return out;
}

Counter& GroupRunner::counter(const char* name, const char* help, const std::string& topic) {
    return context_.metrics->counter(name, help, {{"group", spec_.group}, {"topic", topic}});
}

Clock::time_point GroupRunner::next_wake() const {
    auto at = Clock::now() + context_.poll_interval;
    std::lock_guard lock(work_mutex_);
    for (const auto& [key, failure] : failing_) at = std::min(at, failure.next_try);
    return at;
}

void GroupRunner::run() {
    while (true) {
        {
            const auto deadline = next_wake();
            std::unique_lock lock(wake_mutex_);
            const bool woken = wake_cv_.wait_until(lock, deadline, [this] { return woken_ || stopping_; });
            if (stopping_) return;
            if (woken && context_.linger.count() > 0) {
                wake_cv_.wait_for(lock, context_.linger, [this] { return stopping_; });
                if (stopping_) return;
            }
            woken_ = false;
        }
        try {
            if (!prepare()) continue;
            // The work lock is taken round by round, so a replay or a status read waits for one
            // batch at most, never for a whole backlog.
            for (std::size_t i = 0; i < cursors_.size(); ++i) {
                bool more = true;
                while (more) {
                    {
                        std::lock_guard work(work_mutex_);
                        more = round(cursors_[i]);
                        publish_gauges();
                    }
                    std::lock_guard lock(wake_mutex_);
                    if (stopping_) return;
                }
            }
        } catch (const Fenced& e) {
            spdlog::info("bus group {}: {}; reloading", spec_.group, e.what());
            loaded_ = false;
        } catch (const std::exception& e) {
            // The database is unreachable or the transaction failed as a whole: nothing was committed,
            // so start again from the stored position at the next wake (at most a poll interval away).
            spdlog::warn("bus group {}: delivery round failed: {}", spec_.group, e.what());
            loaded_ = false;
        }
    }
}

bool GroupRunner::prepare() {
    std::lock_guard work(work_mutex_);
    if (!spec_.local() && !context_.may_drive(spec_.group)) {
        // Whoever drives the group now moves its position and retries its failures.
        loaded_ = false;
        failing_.clear();
        publish_gauges();
        return false;
    }
    if (!loaded_) load();
    return true;
}

void GroupRunner::load() {
    // A local group's position lives in this runner: it survives a reload, while resume_after()
    // (the projection's newest offset) could be past an event of another key still being retried.
    std::map<std::string, std::int64_t> local_positions;
    for (const auto& c : cursors_) local_positions[c.source] = c.committed;
    cursors_.clear();
    failing_.clear();  // attempts are counted afresh from the reloaded position
    for (const auto& source : spec_.sources) {
        Cursor c;
        c.source = source;
        if (spec_.local()) {
            auto known = local_positions.find(source);
            c.committed = known != local_positions.end() ? known->second
                          : spec_.resume_after           ? spec_.resume_after(source)
                                                         : 0;
        } else {
            const GroupRef ref{spec_.module, spec_.group, source};
            auto& db = *context_.db;
            db.module(spec_.module).read([&](soci::session& s) {
                c.stored = load_position(s, db.backend(), ref, false);
                c.committed = c.stored ? c.stored->committed : 0;
                for (auto offset : processed_offsets(s, ref, c.committed)) c.done.insert(offset);
            });
        }
        c.fetched = c.committed;
        cursors_.push_back(std::move(c));
    }
    loaded_ = true;
}

std::vector<const Envelope*> GroupRunner::eligible(const Cursor& cursor, Clock::time_point now) const {
    std::vector<const Envelope*> work;
    std::set<std::string> waiting_keys;
    for (const auto& [offset, event] : cursor.pending) {
        if (work.size() >= context_.batch_size) break;
        if (!subscribed(event.topic)) {
            work.push_back(&event);
            continue;
        }
        if (waiting_keys.contains(event.key)) continue;  // behind an earlier event of its key
        auto failure = failing_.find({cursor.source, event.key});
        if (failure != failing_.end() && failure->second.next_try > now) {
            waiting_keys.insert(event.key);
            continue;
        }
        work.push_back(&event);
    }
    return work;
}

bool GroupRunner::round(Cursor& cursor) {
    const std::size_t cap = context_.batch_size * 20;  // events held back behind failing keys, at most
    std::size_t fetched = 0;
    if (cursor.pending.size() < cap) {
        sequence(*context_.db, cursor.source, context_.batch_size * 20);
        auto events = context_.db->module(cursor.source).read([&](soci::session& s) {
            cursor.head = head_offset(s, context_.db->backend(), cursor.source);
            return read_events(s, context_.db->backend(), cursor.source, cursor.fetched, context_.batch_size);
        });
        fetched = events.size();
        for (auto& e : events) {
            cursor.fetched = e.offset;
            cursor.head = std::max(cursor.head, e.offset);
            if (!cursor.done.contains(e.offset)) cursor.pending.emplace(e.offset, std::move(e));
        }
    }
    const auto work = eligible(cursor, Clock::now());
    if (work.empty()) {
        // Nothing to hand over, but the position may still move (everything read was already done).
        if (cursor.pending.empty() && cursor.committed < cursor.fetched) {
            const std::vector<Outcome> none;
            if (!spec_.local()) {
                context_.db->module(spec_.module).write([&](soci::session& s) {
                    fence(s, cursor);
                    persist(s, cursor, none, cursor.fetched);
                });
            }
            apply(cursor, none, cursor.fetched);
        }
        return fetched == context_.batch_size;
    }
    std::vector<Outcome> outcomes;
    std::int64_t committed = 0;
    if (spec_.local()) {
        outcomes = handle(work, nullptr, false, nullptr);
        committed = committed_after(cursor, outcomes);
    } else {
        auto attempt = [&](bool guarded, const UnguardedFailure* known_failure) {
            context_.db->module(spec_.module).write([&](soci::session& s) {
                fence(s, cursor);
                outcomes = handle(work, &s, guarded, known_failure);
                committed = committed_after(cursor, outcomes);
                persist(s, cursor, outcomes, committed);
            });
        };
        // A savepoint per event costs two round trips on PostgreSQL, so a batch first runs without
        // them; if a handler fails, that transaction is rolled back and the batch runs again with a
        // savepoint around each event, the failed one counted as failed rather than tried twice.
        try {
            attempt(false, nullptr);
        } catch (const UnguardedFailure& failure) {
            attempt(true, &failure);
        } catch (const Fenced&) {
            throw;
        } catch (const std::exception& e) {
            // The batch failed as a whole (a handler's pending write, say): the savepoints tell
            // which event it was, and a failure that is not any event's comes back out of here.
            spdlog::debug("bus group {}: batch failed ({}); running it event by event", spec_.group, e.what());
            attempt(true, nullptr);
        }
    }
    apply(cursor, outcomes, committed);
    return fetched == context_.batch_size || cursor.pending.size() >= cap || work.size() == context_.batch_size;
}

void GroupRunner::fence(soci::session& session, const Cursor& cursor) {
    const auto stored = load_position(session, context_.db->backend(), {spec_.module, spec_.group, cursor.source}, true);
    const bool same = stored.has_value() == cursor.stored.has_value() &&
                      (!stored || stored->batch_seq == cursor.stored->batch_seq);
    if (!same) throw Fenced();
}

std::optional<std::string> GroupRunner::deliver(const Envelope& event, soci::session* session, bool guarded) {
    std::optional<Savepoint> savepoint;
    try {
        if (session != nullptr && guarded) savepoint.emplace(*session, "bus_event");
        TraceScope trace(event.traceparent);
        spec_.handler(event, session);
        // A handler that caught an SQL error of its own has still spoilt its transaction on PostgreSQL.
        if (session != nullptr && transaction_aborted(*session)) {
            throw std::runtime_error("the handler caught an SQL error that aborted its transaction");
        }
        if (savepoint) savepoint->release();
        return std::nullopt;
    } catch (...) {
        return error_text(std::current_exception());
    }
}

std::vector<GroupRunner::Outcome> GroupRunner::handle(const std::vector<const Envelope*>& work, soci::session* session,
                                                      bool guarded, const UnguardedFailure* known_failure) {
    std::vector<Outcome> outcomes;
    std::set<std::string> failed_keys;
    for (const Envelope* event : work) {
        if (!subscribed(event->topic)) {
            outcomes.push_back({event, Result::skipped, 0, {}});
            continue;
        }
        if (failed_keys.contains(event->key)) continue;
        std::optional<std::string> error;
        if (known_failure != nullptr && known_failure->event == event) {
            error = known_failure->error;
        } else {
            error = deliver(*event, session, guarded);
        }
        if (!error) {
            outcomes.push_back({event, Result::handled, 0, {}});
            continue;
        }
        if (session != nullptr && !guarded) throw UnguardedFailure{event, *error};
        failed_keys.insert(event->key);
        auto failure = failing_.find({event->source(), event->key});
        const int attempts = (failure == failing_.end() ? 0 : failure->second.attempts) + 1;
        const std::string message = *error;
        if (!context_.retry.exhausted(attempts)) {
            outcomes.push_back({event, Result::retry, attempts, message});
            continue;
        }
        DeadLetter letter{new_id("dlq"), spec_.group, *event, message, attempts, rfc3339_now(), "dead"};
        if (session != nullptr) insert_dead_letter(*session, spec_.module, letter);
        else local_letters_.push_back(letter);
        outcomes.push_back({event, Result::dead, attempts, message});
    }
    return outcomes;
}

std::int64_t GroupRunner::committed_after(const Cursor& cursor, const std::vector<Outcome>& outcomes) const {
    std::set<std::int64_t> finished;
    for (const auto& o : outcomes) {
        if (o.result != Result::retry) finished.insert(o.event->offset);
    }
    for (const auto& [offset, event] : cursor.pending) {
        if (!finished.contains(offset)) return offset - 1;
    }
    return cursor.fetched;
}

void GroupRunner::persist(soci::session& s, Cursor& cursor, const std::vector<Outcome>& outcomes, std::int64_t committed) {
    const GroupRef ref{spec_.module, spec_.group, cursor.source};
    for (const auto& o : outcomes) {
        if (o.result != Result::retry && o.event->offset > committed) record_processed(s, ref, *o.event);
    }
    if (!cursor.done.empty() && *cursor.done.begin() <= committed) forget_processed(s, ref, committed);
    const Position next{committed, cursor.stored ? cursor.stored->batch_seq + 1 : 1};
    save_position(s, ref, next, cursor.stored.has_value());
}

void GroupRunner::apply(Cursor& cursor, const std::vector<Outcome>& outcomes, std::int64_t committed) {
    const auto now = Clock::now();
    for (const auto& o : outcomes) {
        const Envelope& event = *o.event;
        const std::pair<std::string, std::string> key{cursor.source, event.key};
        switch (o.result) {
            case Result::handled:
                counter("mercato_bus_delivered_total", "Events handled, by group and topic", event.topic).inc();
                failing_.erase(key);
                break;
            case Result::skipped:
                break;
            case Result::retry: {
                counter("mercato_bus_retried_total", "Failed deliveries to be tried again, by group and topic", event.topic).inc();
                const auto delay = context_.retry.delay_after(o.attempts, jitter());
                spdlog::warn("bus group {}: event {} ({} key {}) failed (attempt {}), retrying in {} ms: {}", spec_.group,
                             event.id, event.topic, event.key, o.attempts, delay.count(), o.error);
                failing_[key] = {o.attempts, now + delay, o.error};
                break;
            }
            case Result::dead:
                counter("mercato_bus_dead_lettered_total", "Events given up after the last try, by group and topic", event.topic).inc();
                spdlog::error("bus group {}: event {} ({} key {}) dead-lettered after {} attempts: {}", spec_.group, event.id,
                              event.topic, event.key, o.attempts, o.error);
                failing_.erase(key);
                break;
        }
    }
    for (const auto& o : outcomes) {
        if (o.result == Result::retry) continue;
        if (o.event->offset > committed) cursor.done.insert(o.event->offset);
        cursor.pending.erase(o.event->offset);  // invalidates o.event: last use
    }
    cursor.done.erase(cursor.done.begin(), cursor.done.upper_bound(committed));
    cursor.committed = committed;
    if (!spec_.local()) cursor.stored = Position{committed, cursor.stored ? cursor.stored->batch_seq + 1 : 1};
}

DeadLetter GroupRunner::replay(const std::string& dead_letter_id) {
    std::lock_guard work(work_mutex_);
    if (spec_.local()) {
        auto it = std::find_if(local_letters_.begin(), local_letters_.end(), [&](const DeadLetter& d) { return d.id == dead_letter_id; });
        if (it == local_letters_.end()) throw Problem::not_found("no such dead letter");
        if (it->status != "dead") throw Problem::conflict("this dead letter was replayed already");
        if (auto error = deliver(it->event, nullptr, true)) {
            ++it->attempts;
            it->error = *error;
            throw Problem::unprocessable("the handler failed again: " + *error);
        }
        it->status = "replayed";
        return *it;
    }
    auto& db = *context_.db;
    std::optional<std::string> failure;
    auto letter = db.module(spec_.module).write([&](soci::session& s) {
        auto found = find_dead_letter(s, db.backend(), spec_.module, dead_letter_id, true);
        if (!found || found->group != spec_.group) throw Problem::not_found("no such dead letter");
        if (found->status != "dead") throw Problem::conflict("this dead letter was replayed already");
        failure = deliver(found->event, &s, true);
        if (failure) {
            record_replay_failure(s, spec_.module, found->id, *failure);
        } else {
            mark_replayed(s, spec_.module, found->id, rfc3339_now());
            found->status = "replayed";
        }
        return *found;
    });
    if (failure) throw Problem::unprocessable("the handler failed again: " + *failure);
    counter("mercato_bus_replayed_total", "Dead letters delivered again on request, by group and topic", letter.event.topic).inc();
    return letter;
}

}  // namespace mercato::kernel::bus
