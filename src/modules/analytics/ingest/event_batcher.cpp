#include "modules/analytics/ingest/event_batcher.hpp"

#include <algorithm>
#include <stdexcept>

namespace mercato::analytics {

EventBatcher::EventBatcher(std::function<void(const std::vector<StoredEvent>&)> write, std::size_t max_batch)
    : write_(std::move(write)), max_batch_(max_batch), thread_([this] { loop(); }) {}

EventBatcher::~EventBatcher() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void EventBatcher::submit(StoredEvent event) {
    std::future<void> done;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) throw std::runtime_error("analytics is shutting down");
        queue_.push_back({std::move(event), {}});
        done = queue_.back().done.get_future();
    }
    wake_.notify_one();
    done.get();
}

void EventBatcher::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and every caller has its answer
        // Whatever arrived while the last batch was being written goes in the next one.
        const std::size_t take = std::min(queue_.size(), max_batch_);
        std::vector<Waiting> batch(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + take));
        queue_.erase(queue_.begin(), queue_.begin() + take);
        lock.unlock();
        std::vector<StoredEvent> events;
        events.reserve(batch.size());
        for (auto& w : batch) events.push_back(std::move(w.event));
        std::exception_ptr failure;
        try {
            write_(events);
        } catch (...) {
            failure = std::current_exception();
        }
        for (auto& w : batch) {
            if (failure) w.done.set_exception(failure);
            else w.done.set_value();
        }
        lock.lock();
    }
}

}  // namespace mercato::analytics
