// The HTTP/1.1 server: coroutine sessions on I/O threads, timeouts and limits, graceful shutdown.
#pragma once

#include <cstdint>
#include <memory>

#include "http/request.hpp"

namespace mercato::kernel {
struct Config;
class MetricsRegistry;
class WorkerPool;
}  // namespace mercato::kernel

namespace mercato::http {

class Router;

class Server {
public:
    // Handlers of GET and HEAD run on readers, the others on writers: a burst of writes waiting on
    // their commits never holds the threads that reads need.
    Server(const kernel::Config& config, const Router& router, kernel::WorkerPool& readers, kernel::WorkerPool& writers,
           kernel::MetricsRegistry& metrics);
    ~Server();

    // Who a bearer token belongs to; without one, no request carries a principal.
    void set_authenticator(Authenticator authenticate);

    // Binds config.bind_address:config.port (0: any free port) and returns the bound port.
    std::uint16_t listen();

    // From now on SIGTERM and SIGINT start a graceful shutdown (call before the slow start-up work,
    // so a signal that arrives during it is not fatal).
    void catch_signals();

    // Serves on config.io_threads threads (the caller's included) until shutdown completes.
    // Returns false when the grace period ran out with requests still in flight (their handlers
    // may still be running).
    bool run();

    // Stops accepting, closes idle connections, lets in-flight requests finish for up to
    // shutdown_grace_ms, then makes run() return. Safe from any thread.
    void shutdown();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace mercato::http
