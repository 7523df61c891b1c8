// mercato_shop_day: a day in the shop as load. One thread per signed-in customer (a token a line in
// the tokens file), each on its own keep-alive connection, runs the mix of browsing, search, and orders
// with payments against a running Mercato for a bounded time, then prints the requests per kind with
// their exact p50/p99 and errors, and the throughput (tally.hpp has the lines). Exits 1 when any request
// had an unexpected answer.
//
// Usage: mercato_shop_day --port N --tokens FILE [--seconds S] [--reviews-each N] [--seed N]
//   --reviews-each N: first, every customer reviews N random products (once per shop: one review per
//   customer and product); --seconds 0 then only does that. --seed varies the customers' choices between runs.
#include <atomic>
#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "customer.hpp"
#include "shop_catalog.hpp"
#include "tally.hpp"

using namespace shop_day;

namespace {

int usage() {
    std::cerr << "usage: mercato_shop_day --port N --tokens FILE [--seconds S] [--reviews-each N] [--seed N]\n";
    return 2;
}

std::vector<std::string> read_tokens(const std::string& path) {
    std::vector<std::string> tokens;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) tokens.push_back(line);
    }
    return tokens;
}

// Runs work(customer, started) on a thread per customer, all let go at once, at `started`; the seconds
// from then until the last is done.
template <class Work>
double on_every_customer(std::deque<Customer>& customers, Work work) {
    std::latch ready(static_cast<std::ptrdiff_t>(customers.size()) + 1);
    std::chrono::steady_clock::time_point started;  // set before the latch opens, read after
    std::vector<std::thread> threads;
    for (auto& customer : customers) {
        threads.emplace_back([&ready, &customer, &work, &started] {
            ready.arrive_and_wait();
            work(customer, started);
        });
    }
    started = std::chrono::steady_clock::now();
    ready.arrive_and_wait();
    for (auto& thread : threads) thread.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0;
    std::string tokens_file;
    double seconds = 60;
    int reviews_each = 0;
    std::uint64_t seed = 1;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            if (i + 1 >= argc) return usage();
            const std::string value = argv[++i];
            if (arg == "--port") {
                port = std::stoi(value);
            } else if (arg == "--tokens") {
                tokens_file = value;
            } else if (arg == "--seconds") {
                seconds = std::stod(value);
            } else if (arg == "--reviews-each") {
                reviews_each = std::stoi(value);
            } else if (arg == "--seed") {
                seed = std::stoull(value);
            } else {
                return usage();
            }
        }
    } catch (const std::exception&) {
        return usage();
    }
    const auto tokens = read_tokens(tokens_file);
    if (port <= 0 || tokens.empty() || seconds < 0 || reviews_each < 0) return usage();

    ShopCatalog catalog;
    try {
        Connection connection(port);
        catalog = read_catalog(connection);
    } catch (const std::exception& e) {
        std::cerr << "mercato_shop_day: could not read the catalog: " << e.what() << '\n';
        return 1;
    }
    std::deque<Customer> customers;  // never moved: each owns its open connection
    for (std::size_t i = 0; i < tokens.size(); ++i) customers.emplace_back(port, tokens[i], catalog, seed * 1000003 + i);

    if (reviews_each > 0) {
        std::atomic<int> refused{0};
        on_every_customer(customers, [&](Customer& c, auto) { refused += c.review_products(reviews_each); });
        if (refused > 0) {
            std::cerr << "mercato_shop_day: " << refused << " reviews were refused\n";
            return 1;
        }
        fmt::print("reviews posted={}\n", reviews_each * customers.size());
    }
    if (seconds == 0) return 0;

    const auto span = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    const auto elapsed = on_every_customer(customers, [&](Customer& c, auto started) { c.shop_until(started + span); });
    Tally total;
    for (auto& customer : customers) total.add(customer.tally());
    print_report(total, elapsed);
    std::uint64_t errors = 0;
    for (const auto e : total.errors) errors += e;
    return errors == 0 ? 0 : 1;
}
