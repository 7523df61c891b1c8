// Threads that run blocking work (handlers, database calls) so the I/O threads never wait on it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace mercato::kernel {

class WorkerPool {
public:
    explicit WorkerPool(std::size_t threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void post(std::function<void()> task);
    // Finishes the queued tasks, then joins the threads.
    void join();
    std::size_t size() const noexcept { return size_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::size_t size_;
};

}  // namespace mercato::kernel
