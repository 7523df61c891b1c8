#include "kernel/periodic_task.hpp"

#include <spdlog/spdlog.h>

namespace mercato::kernel {

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn)
    : name_(std::move(name)), interval_(interval), fn_(std::move(fn)) {}

PeriodicTask::~PeriodicTask() { stop(); }

void PeriodicTask::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void PeriodicTask::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PeriodicTask::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void PeriodicTask::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
        if (stopping_) return;
        woken_ = false;
        lock.unlock();
        try {
            fn_();
        } catch (const std::exception& e) {
            // The database may be away for a moment; the next round tries again.
            spdlog::warn("{} failed: {}", name_, e.what());
        }
        lock.lock();
    }
}

}  // namespace mercato::kernel
