// A separate process on the bus tests' database, so tests can kill a publisher or a consumer by
// signal and watch what survives:
//   mercato_bus_probe publish URL N   commits N orders with their events, says "committed N", then waits to be killed
//   mercato_bus_probe consume URL ME [POLL_MS]
//                                     drives mailer.receipts (recording deliveries as copy ME) until SIGTERM,
//                                     polling every POLL_MS (default: the tests' quick 200 ms)
#include <csignal>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "kernel/bus/bus.hpp"
#include "kernel/database.hpp"
#include "kernel/logging.hpp"
#include "kernel/metrics.hpp"
#include "support/bus/bus_world.hpp"

using namespace mercato;

namespace {

int usage() {
    std::fprintf(stderr, "usage: mercato_bus_probe publish URL N | consume URL NAME [POLL_MS]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4 && !(argc == 5 && std::string(argv[1]) == "consume")) return usage();
    const std::string command = argv[1];
    kernel::init_logging("warn", "text");
    auto db = test::open_bus_world(argv[2]);
    kernel::MetricsRegistry metrics;
    auto options = test::quick_bus_options();
    if (argc == 5) options.poll_interval = std::chrono::milliseconds(std::stoi(argv[4]));
    kernel::bus::Bus bus(db, metrics, options);

    if (command == "publish") {
        const int count = std::stoi(argv[3]);
        for (int i = 0; i < count; ++i) test::place_order(*db, bus, "ord_probe_" + std::to_string(i));
        std::printf("committed %d\n", count);
        std::fflush(stdout);
        while (true) ::pause();  // the bus never started: nothing is delivered before the test kills us
    }
    if (command != "consume") return usage();

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before the bus's threads inherit the mask

    const std::string copy = argv[3];
    bus.subscribe({test::receipts_group, "mailer", {test::order_placed},
                   [copy](const kernel::bus::Envelope& event, soci::session& s) { test::record_sent(s, event, copy); }});
    bus.start();
    std::printf("ready\n");
    std::fflush(stdout);
    int received = 0;
    sigwait(&stop_signals, &received);
    bus.stop();
    return 0;
}
