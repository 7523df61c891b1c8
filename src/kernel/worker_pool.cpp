#include "kernel/worker_pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace mercato::kernel {

struct WorkerPool::Impl {
    explicit Impl(std::size_t threads) : pool(threads) {}
    boost::asio::thread_pool pool;
};

WorkerPool::WorkerPool(std::size_t threads) : impl_(std::make_unique<Impl>(threads)), size_(threads) {}

WorkerPool::~WorkerPool() { join(); }

void WorkerPool::post(std::function<void()> task) { boost::asio::post(impl_->pool, std::move(task)); }

void WorkerPool::join() { impl_->pool.join(); }

}  // namespace mercato::kernel
