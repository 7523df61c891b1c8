// The sweepers' thread: it runs its work every interval, at once when woken, and never after stop.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "kernel/periodic_task.hpp"

using namespace std::chrono_literals;

namespace {

bool within(std::chrono::milliseconds limit, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return done();
}

}  // namespace

TEST_CASE("a woken periodic task runs at once instead of at its next interval, and a run that throws does not stop it") {
    std::atomic<int> runs{0};
    mercato::kernel::PeriodicTask task("test task", std::chrono::hours(1), [&] {
        if (++runs == 1) throw std::runtime_error("the database is away");
    });
    task.start();
    std::this_thread::sleep_for(50ms);
    CHECK(runs == 0);  // an hour is far off
    task.wake();
    CHECK(within(10s, [&] { return runs == 1; }));
    task.wake();
    CHECK(within(10s, [&] { return runs == 2; }));
    task.stop();
    task.wake();
    std::this_thread::sleep_for(50ms);
    CHECK(runs == 2);
}
