// The sweepers' thread: it runs its work every interval, at once when woken, and never after stop.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "kernel/periodic_task.hpp"
#include "support/eventually.hpp"

using mercato::test::eventually;
using namespace std::chrono_literals;

TEST_CASE("a woken periodic task runs at once instead of at its next interval, and a run that throws does not stop it") {
    std::atomic<int> runs{0};
    mercato::kernel::PeriodicTask task("test task", std::chrono::hours(1), [&] {
        if (++runs == 1) throw std::runtime_error("the database is away");
    });
    task.start();
    // A quiet moment, not a synchronisation: a run would be a wrong one, and a slow machine can only miss it.
    std::this_thread::sleep_for(50ms);
    CHECK(runs == 0);  // an hour is far off
    task.wake();
    CHECK(eventually([&] { return runs == 1; }));
    task.wake();
    CHECK(eventually([&] { return runs == 2; }));
    task.stop();
    task.wake();
    std::this_thread::sleep_for(50ms);  // as above: a run after stop would show here
    CHECK(runs == 2);
}
