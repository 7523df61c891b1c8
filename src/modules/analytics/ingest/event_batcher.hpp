// Group commit for client events: callers hand their event over and wait while one thread writes
// everything waiting in one transaction, so ingestion pays one durable commit per batch, not per event.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "modules/analytics/store/event_store.hpp"

namespace mercato::analytics {

class EventBatcher {
public:
    // write stores one batch durably (throwing fails the whole batch); max_batch bounds a transaction.
    EventBatcher(std::function<void(const std::vector<StoredEvent>&)> write, std::size_t max_batch);
    ~EventBatcher();
    EventBatcher(const EventBatcher&) = delete;
    EventBatcher& operator=(const EventBatcher&) = delete;

    // Returns once the event's batch is committed; rethrows the batch's failure.
    void submit(StoredEvent event);

private:
    void loop();

    struct Waiting {
        StoredEvent event;
        std::promise<void> done;
    };
    std::function<void(const std::vector<StoredEvent>&)> write_;
    std::size_t max_batch_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Waiting> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace mercato::analytics
