// Customers ordering and paying on a served shop from threads of their own, for as long as the test
// lets them, keeping a ledger of every order and payment the server acknowledged. Connection errors
// (the server killed, the database down) are expected: a customer reconnects and goes on.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/served_shop.hpp"

namespace mercato::test {

struct AckedOrder {
    std::map<std::string, std::int64_t> quantities;  // by product id
};

struct Ledger {
    std::map<std::string, AckedOrder> orders;  // every order answered 201, by id
    std::set<std::string> paid_orders;         // every order whose checkout answered 201 (succeeded)
    std::int64_t declined = 0;                 // checkouts answered 402, as asked
    std::int64_t failed_requests = 0;          // requests cut off or refused (5xx) by a crash or an outage
    std::vector<std::string> unexpected;       // any other answer: a finding
};

class OrderStream {
public:
    // Each customer orders one or two of products at random (quantities 1-3) and pays by card,
    // one payment in ten with a card the sandbox declines.
    OrderStream(ServedShop& shop, std::vector<Headers> customers, std::vector<std::string> products);
    ~OrderStream();  // stops the customers
    void stop();
    Ledger ledger() const;
    std::int64_t acknowledged() const { return acknowledged_.load(); }

private:
    void customer(std::size_t index);
    void record_order(const std::string& id, const AckedOrder& order);

    ServedShop& shop_;
    std::vector<Headers> customers_;
    std::vector<std::string> products_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::int64_t> acknowledged_{0};
    mutable std::mutex mutex_;
    Ledger ledger_;
    std::vector<std::thread> threads_;
};

}  // namespace mercato::test
