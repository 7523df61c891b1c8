// Resource limits of a real server: a slow-loris client, 2,000 idle connections, a 100 MB body and a
// deeply nested JSON document each leave it answering other clients promptly, with its memory bounded.
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/served_shop.hpp"
#include "support/shop_server.hpp"

namespace {

using namespace mercato::test;
using Clock = std::chrono::steady_clock;

// Growth of the server's resident memory an attack may cause: the limits make it independent of the
// attack's size (2,000 connections hold a few KiB each; a body over the limit is never buffered).
constexpr std::int64_t memory_budget_kib = 64 * 1024;

// The slowest answer an honest client got while the attack ran (fails the test if one went unanswered).
class HonestClient {
public:
    explicit HonestClient(ServedShop& shop) : shop_(shop) {
        worker_ = std::async(std::launch::async, [this] {
            std::chrono::milliseconds slowest{0};
            do {  // at least once, however short the attack
                const auto t = Clock::now();
                auto c = shop_.client();
                if (c.get("/v1/products?limit=5").status != 200) return std::chrono::milliseconds::max();
                slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t));
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            } while (!done_);
            return slowest;
        });
    }
    std::chrono::milliseconds slowest() {
        done_ = true;
        return worker_.get();
    }

private:
    ServedShop& shop_;
    std::atomic<bool> done_{false};
    std::future<std::chrono::milliseconds> worker_;
};

// A socket without the niceties of HttpClient, for clients that misbehave at the byte level.
class RawSocket {
public:
    explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    }
    ~RawSocket() { ::close(fd_); }
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    bool send_all(std::string_view bytes) {
        while (!bytes.empty()) {
            const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    // Whatever has arrived within wait_ms (empty if nothing); closed() tells whether the server hung up.
    std::string receive(int wait_ms) {
        std::string got;
        pollfd p{fd_, POLLIN, 0};
        while (::poll(&p, 1, wait_ms) > 0) {
            char buffer[4096];
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                closed_ = true;
                break;
            }
            got.append(buffer, static_cast<std::size_t>(n));
            wait_ms = 0;
        }
        return got;
    }
    bool closed() const { return closed_; }

private:
    int fd_;
    bool closed_ = false;
};

// The soft open-file limit many systems give a service by default, lowered for this process (and so
// for a server it starts) while it lives. The hard limit stays: the server may raise its own.
class DefaultFileLimit {
public:
    DefaultFileLimit() {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
        rlimit lowered = saved_;
        lowered.rlim_cur = std::min<rlim_t>(1024, saved_.rlim_cur);
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    }
    ~DefaultFileLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

private:
    rlimit saved_{};
};

struct Served {
    explicit Served(bool default_file_limit = false) : shop("sqlite:" + data.str()) {
        {
            std::optional<DefaultFileLimit> limit;
            if (default_file_limit) limit.emplace();
            shop.start();
        }
        auto c = shop.client();
        for (int i = 0; i < 20; ++i) shop_product(c, i);
        for (int i = 0; i < 50; ++i) c.get("/v1/products?limit=5");  // caches and pools warm: the baseline is steady
        baseline_kib = shop.memory_kib();
    }
    void shop_product(HttpClient& c, int i) {
        expect_json(ShopServer::send(c, "POST", "/v1/products",
                                     {{"sku", "LIMIT-" + std::to_string(i)}, {"name", "Sturdy thing " + std::to_string(i)},
                                      {"price", 500}, {"currency", "EUR"}, {"stock", 10}},
                                     shop.admin),
                    201);
    }
    void check_memory(const char* attack) {
        const auto now = shop.memory_kib();
        MESSAGE(std::string(attack) << ": server RSS " << baseline_kib / 1024 << " MiB before, " << now / 1024 << " MiB after");
        CHECK(now - baseline_kib < memory_budget_kib);
    }
    void check_answering(HonestClient& honest, const char* attack) {
        const auto slowest = honest.slowest();
        MESSAGE(std::string(attack) << ": slowest answer to another client " << slowest.count() << " ms");
        // Quiet, the slowest answer is tens of milliseconds; a client the attack locked out would wait for the 10 s
        // header timeout or for ever. 1 s tells the two apart with room for a loaded machine.
        CHECK(slowest < std::chrono::milliseconds(1000));
    }

    TempDir data;
    ServedShop shop;
    std::int64_t baseline_kib = 0;
};

}  // namespace

TEST_CASE("slow-loris: 200 clients trickling their headers are cut off at the header timeout while others are served") {
    Served s;
    HonestClient honest(s.shop);
    std::vector<std::unique_ptr<RawSocket>> lorises;
    for (int i = 0; i < 200; ++i) lorises.push_back(std::make_unique<RawSocket>(s.shop.port()));
    const std::string header = "GET /v1/products HTTP/1.1\r\nHost: shop\r\nX-Padding: " + std::string(200, 'x');
    // The shipped header timeout is 10 s: one byte a client every 250 ms would take 60 s to finish.
    const auto start = Clock::now();
    std::size_t sent = 0;
    while (Clock::now() - start < std::chrono::seconds(13) && sent < header.size()) {
        for (auto& l : lorises) l->send_all(header.substr(sent, 1));
        ++sent;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    std::size_t cut = 0;
    for (auto& l : lorises) {
        l->receive(2000);
        cut += l->closed();
    }
    CHECK(cut == lorises.size());
    s.check_answering(honest, "slow-loris");
    s.check_memory("slow-loris");
}

TEST_CASE("2,000 idle connections leave the server answering others, with memory bounded, under a default soft file limit") {
    // Started with a soft limit of 1,024 open files: the server raises it, or the idle clients would lock others out.
    Served s(true);
    std::ifstream limits("/proc/" + std::to_string(s.shop.pid()) + "/limits");
    std::string line;
    while (std::getline(limits, line) && line.rfind("Max open files", 0) != 0) {
    }
    INFO(line);
    CHECK(std::stoll(line.substr(std::string("Max open files").size())) > 2000);  // the soft limit, raised
    std::vector<std::unique_ptr<RawSocket>> idle;
    for (int i = 0; i < 2000; ++i) idle.push_back(std::make_unique<RawSocket>(s.shop.port()));
    HonestClient honest(s.shop);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    s.check_answering(honest, "2,000 idle connections");
    s.check_memory("2,000 idle connections");
    // They are still connected: idleness alone (under the idle timeout) is no reason to drop a client.
    std::size_t open = 0;
    for (auto& i : idle) {
        i->receive(0);
        open += !i->closed();
    }
    CHECK(open == idle.size());
}

TEST_CASE("a 100 MB body is refused with 413 before it is read, with or without a length, and memory stays bounded") {
    Served s;
    HonestClient honest(s.shop);
    const std::string megabyte(1 << 20, 'x');
    for (const bool chunked : {false, true}) {
        CAPTURE(chunked);
        RawSocket attacker(s.shop.port());
        const std::string header = std::string("POST /v1/analytics/event HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n") +
                                   (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: 104857600\r\n\r\n");
        REQUIRE(attacker.send_all(header));
        std::string reply;
        std::size_t sent_mb = 0;
        for (; sent_mb < 100 && reply.empty(); ++sent_mb) {
            const std::string piece = chunked ? "100000\r\n" + megabyte + "\r\n" : megabyte;
            if (!attacker.send_all(piece)) break;  // the server hung up
            reply = attacker.receive(0);
        }
        reply += attacker.receive(2000);
        MESSAGE((chunked ? "chunked" : "Content-Length") << ": refused after " << sent_mb << " MB sent");
        CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
        CHECK(reply.find("application/problem+json") != std::string::npos);
        CHECK(sent_mb < 100);
    }
    s.check_answering(honest, "100 MB body");
    s.check_memory("100 MB body");
}

TEST_CASE("a deeply nested JSON document is refused with 400 before it is parsed, and the server goes on") {
    Served s;
    HonestClient honest(s.shop);
    auto c = s.shop.client();
    // Just under the 1 MiB body limit: half a million levels of arrays, and 100,000 of objects.
    const std::string arrays = std::string(500'000, '[') + std::string(500'000, ']');
    const std::string objects = [] {
        std::string text;
        for (int i = 0; i < 100'000; ++i) text += "{\"a\":";
        return text + "1" + std::string(100'000, '}');
    }();
    for (const auto* path : {"/v1/orders", "/v1/analytics/event", "/v1/users/login"}) {
        for (const std::string* body : {&arrays, &objects}) {
            CAPTURE(path);
            const auto reply = c.send("POST", path, *body, with(s.shop.admin, "Content-Type", "application/json"));
            check_problem(reply, 400);
            CHECK(reply.json()["detail"].get<std::string>().find("nests deeper than 64 levels") != std::string::npos);
        }
    }
    CHECK(c.get("/healthz").status == 200);
    s.check_answering(honest, "deeply nested JSON");
    s.check_memory("deeply nested JSON");
}
