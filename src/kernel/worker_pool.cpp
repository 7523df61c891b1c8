#include "kernel/worker_pool.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

namespace mercato::kernel {

struct WorkerPool::Impl {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::function<void()>> queue;
    bool closing = false;
    std::vector<std::thread> threads;

    void work() {
        while (true) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex);
                ready.wait(lock, [&] { return closing || !queue.empty(); });
                if (queue.empty()) return;  // closing, and nothing left to finish
                task = std::move(queue.front());
                queue.pop_front();
            }
            try {
                task();
            } catch (const std::exception& e) {
                spdlog::error("a background task failed: {}", e.what());
            }
        }
    }
};

WorkerPool::WorkerPool(std::size_t threads) : impl_(std::make_unique<Impl>()), size_(threads) {
    for (std::size_t i = 0; i < threads; ++i) impl_->threads.emplace_back([impl = impl_.get()] { impl->work(); });
}

WorkerPool::~WorkerPool() { join(); }

void WorkerPool::post(std::function<void()> task) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->queue.push_back(std::move(task));
    }
    impl_->ready.notify_one();
}

void WorkerPool::join() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->closing = true;
    }
    impl_->ready.notify_all();
    for (auto& t : impl_->threads) {
        if (t.joinable()) t.join();
    }
}

}  // namespace mercato::kernel
