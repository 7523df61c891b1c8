// The HTTP/1.1 server: coroutine sessions on I/O threads, timeouts and limits, graceful shutdown.
#pragma once

#include <cstdint>
#include <memory>

#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "kernel/config.hpp"
#include "kernel/metrics.hpp"
#include "kernel/worker_pool.hpp"

namespace mercato::http {

class Server {
public:
    Server(const kernel::Config& config, const Router& router, kernel::WorkerPool& workers, kernel::MetricsRegistry& metrics);
    ~Server();

    Pipeline& pipeline();

    // Binds config.bind_address:config.port (0: any free port) and returns the bound port.
    std::uint16_t listen();

    // Serves on config.io_threads threads (the caller's included) until shutdown completes.
    // With handle_signals, SIGTERM and SIGINT start a graceful shutdown.
    void run(bool handle_signals);

    // Stops accepting, closes idle connections, lets in-flight requests finish for up to
    // shutdown_grace_ms, then makes run() return. Safe from any thread.
    void shutdown();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace mercato::http
