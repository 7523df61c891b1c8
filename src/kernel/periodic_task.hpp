// A thread that runs one piece of housekeeping every interval (the modules' sweepers), logging and
// surviving its failures, until stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace mercato::kernel {

class PeriodicTask {
public:
    // name is for the log; fn runs first one interval after start().
    PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);
    ~PeriodicTask();
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

    void start();
    // Runs fn as soon as the thread is free rather than at the next interval (work is waiting).
    void wake();
    // Waits for a run in progress to finish.
    void stop();

private:
    void loop();

    std::string name_;
    std::chrono::milliseconds interval_;
    std::function<void()> fn_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace mercato::kernel
