#include "http/server.hpp"

#include <array>
#include <atomic>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <sys/resource.h>
#include <spdlog/spdlog.h>

#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "http/text.hpp"
#include "kernel/config.hpp"
#include "kernel/metrics.hpp"
#include "kernel/worker_pool.hpp"
#include "kernel/problem.hpp"

namespace mercato::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t header_limit = 16 * 1024;

std::int64_t steady_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Timeouts are deadlines that a sweeper checks a few times a second, rather than a timer armed and
// cancelled around every read and write: the per-operation timers cost more than the rest of a request.
struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}

    static constexpr std::int64_t no_deadline = std::numeric_limits<std::int64_t>::max();
    void expire_in(int ms) { deadline.store(steady_now_ns() + std::int64_t{ms} * 1'000'000, std::memory_order_relaxed); }
    void no_expiry() { deadline.store(no_deadline, std::memory_order_relaxed); }
    bool expired(std::int64_t now) const { return deadline.load(std::memory_order_relaxed) <= now; }

    tcp::socket socket;
    std::atomic<std::int64_t> deadline{no_deadline};
    bool busy = false;  // only touched on the connection's executor
};

constexpr milliseconds sweep_interval{100};

// Descriptors kept back from client connections: database connections, the search index, log files.
constexpr std::size_t reserved_descriptors = 256;

// Raises the soft limit on open files to the hard one (as nginx and Go's runtime do): a soft limit of
// 1,024, common by default, would otherwise let a thousand idle clients lock everyone else out.
// Returns the limit in force.
std::size_t raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(limit.rlim_cur);
}

// Runs a blocking handler on a worker thread and resumes the session on its own strand.
asio::awaitable<Response> on_worker(kernel::WorkerPool& workers, const Route& route, Request& request) {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Response)>(
        [&workers, &route, &request](auto handler) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            workers.post([shared, &route, &request] {
                Response response = Pipeline::invoke(route, request);
                auto executor = asio::get_associated_executor(*shared);
                asio::dispatch(executor, [shared, response = std::move(response)]() mutable {
                    std::move (*shared)(std::move(response));
                });
            });
        },
        asio::use_awaitable);
}

// A request the parser refused (worth a 400), as opposed to a closed or timed-out connection.
bool is_parse_error(const beast::error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

// Feeds the parser what is already buffered, so a header that arrived in one read (the usual case)
// costs no further asynchronous round; need_more just means the rest is still on its way.
beast::error_code parse_buffered_header(bhttp::request_parser<bhttp::string_body>& parser, beast::flat_buffer& buffer) {
    beast::error_code ec;
    while (!parser.is_header_done() && buffer.size() > 0) {
        buffer.consume(parser.put(buffer.data(), ec));
        if (ec == bhttp::error::need_more) return {};
        if (ec) return ec;
    }
    return ec;
}

bhttp::response<bhttp::string_body> to_beast(Response& response, unsigned version, bool keep_alive, bool head) {
    if (response.status == 204 || response.status == 304) response.body.clear();  // they carry no body, by definition
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
    out.set(bhttp::field::server, "mercato");
    if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) out.insert(name, value);
    out.keep_alive(keep_alive);
    out.body() = std::move(response.body);
    out.prepare_payload();
    if (head) out.body().clear();  // Content-Length still tells the size a GET would send
    return out;
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Impl> {
    Impl(const kernel::Config& config, const Router& router, kernel::WorkerPool& readers, kernel::WorkerPool& writers,
         kernel::MetricsRegistry& metrics)
        : config(config), readers(readers), writers(writers), pipeline(config, router, metrics), io_threads(io_thread_count(config)),
          ioc(io_threads) {}

    static int io_thread_count(const kernel::Config& config) {
        return config.io_threads > 0 ? config.io_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }

    const kernel::Config& config;
    kernel::WorkerPool& readers;
    kernel::WorkerPool& writers;
    Pipeline pipeline;
    const int io_threads;

    asio::io_context ioc;  // told its thread count, which lets Asio optimise the single-threaded case
    // The acceptor, the timers and the signal set are not thread-safe: everything that touches them
    // (accepting, sweeping, shutting down) runs on this one strand.
    asio::strand<asio::io_context::executor_type> control{ioc.get_executor()};
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc};
    asio::steady_timer grace_timer{ioc};
    asio::steady_timer sweep_timer{ioc};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running{ioc.get_executor()};
    std::atomic<bool> draining{false};
    bool drained = false;                     // control strand only
    std::atomic<bool> forced_stop{false};

    std::mutex connections_mutex;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
    std::size_t connection_cap = 0;  // set by listen()

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> refuse(tcp::socket socket);
    asio::awaitable<void> sweep_loop();
    asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
    asio::awaitable<void> reject(Connection& conn, int status, std::string detail, unsigned version);
    asio::awaitable<bool> write(Connection& conn, Response& response, unsigned version, bool keep_alive, bool head);
    asio::awaitable<void> linger(Connection& conn);
    asio::awaitable<Response> respond(Request& request, std::string_view target, const Route*& route,
                                      std::chrono::steady_clock::time_point started);
    std::string body_too_large() const { return fmt::format("the request body exceeds {} bytes", config.body_limit); }
    void begin_shutdown();
    void forget(Connection* conn);
    void finish_if_drained();
};

asio::awaitable<void> Server::Impl::accept_loop() {
    auto self = shared_from_this();
    while (acceptor.is_open()) {
        // With several I/O threads a connection's work is serialized on a strand (shutdown reaches
        // in from another thread); with one thread the strand would only cost time.
        const asio::any_io_executor executor =
            io_threads > 1 ? asio::any_io_executor(asio::make_strand(ioc)) : asio::any_io_executor(ioc.get_executor());
        auto [ec, socket] = co_await acceptor.async_accept(executor, use_tuple);
        if (ec) {
            if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
            spdlog::warn("accept failed: {}", ec.message());
            // Out of file descriptors, typically: back off instead of spinning.
            asio::steady_timer pause(ioc, milliseconds(50));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto conn = std::make_shared<Connection>(std::move(socket));
        bool full = false;
        {
            std::lock_guard lock(connections_mutex);
            full = connections.size() >= connection_cap;
            if (!full) connections.emplace(conn.get(), conn);
        }
        if (full) {
            asio::co_spawn(executor, refuse(std::move(conn->socket)), asio::detached);
            continue;
        }
        asio::co_spawn(conn->socket.get_executor(), serve(conn),
                       [self, raw = conn.get()](std::exception_ptr error) {
                           if (error) {
                               try {
                                   std::rethrow_exception(error);
                               } catch (const std::exception& e) {
                                   spdlog::error("connection failed: {}", e.what());
                               }
                           }
                           self->forget(raw);
                       });
    }
}

asio::awaitable<bool> Server::Impl::write(Connection& conn, Response& response, unsigned version, bool keep_alive, bool head) {
    auto out = to_beast(response, version, keep_alive, head);
    conn.expire_in(config.body_timeout_ms);
    auto [ec, bytes] = co_await bhttp::async_write(conn.socket, out, use_tuple);
    co_return !ec;
}

asio::awaitable<void> Server::Impl::reject(Connection& conn, int status, std::string detail, unsigned version) {
    Request request;
    request.method = "-";
    request.request_id = choose_request_id({});
    Response response = Response::problem(kernel::Problem(status, kernel::status_title(status), std::move(detail)));
    pipeline.after(request, response, nullptr, {});
    if (co_await write(conn, response, version, false, false)) co_await linger(conn);
}

// Over the cap a client is told so, with a 503 it can act on, and closed at once: it is never
// registered, so it holds no descriptor past this answer and no place among the connections served.
asio::awaitable<void> Server::Impl::refuse(tcp::socket socket) {
    Response response = Response::problem(kernel::Problem(
        503, kernel::status_title(503), fmt::format("the server has {} connections open, its limit; try again shortly", connection_cap)));
    response.headers.emplace_back("Retry-After", "1");
    auto out = to_beast(response, 11, false, false);
    co_await bhttp::async_write(socket, out, use_tuple);
    // Reading what already arrived keeps the close from becoming a reset that could discard the answer.
    beast::error_code ignored;
    std::array<char, 4096> scratch{};
    while (socket.available(ignored) > 0 && !ignored) socket.read_some(asio::buffer(scratch), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

// Closing right after an error while the client is still sending would make the kernel reset the
// connection, and the client might never read the answer: stop sending, then drain for a moment.
asio::awaitable<void> Server::Impl::linger(Connection& conn) {
    constexpr std::size_t max_drain = 16 * 1024 * 1024;
    beast::error_code ignored;
    conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
    conn.expire_in(1000);
    std::array<char, 16 * 1024> scratch{};
    for (std::size_t drained_bytes = 0; drained_bytes < max_drain;) {
        auto [ec, n] = co_await conn.socket.async_read_some(asio::buffer(scratch), use_tuple);
        if (ec) break;
        drained_bytes += n;
    }
}

// Runs the pipeline and the handler; whatever escapes them becomes a 500, never a dropped connection.
asio::awaitable<Response> Server::Impl::respond(Request& request, std::string_view target, const Route*& route,
                                                std::chrono::steady_clock::time_point started) {
    Response response;
    try {
        std::optional<Response> answered = pipeline.before(request, target, route, started);
        if (!answered && route->fast_path) answered = route->fast_path(request);
        if (answered) {
            response = std::move(*answered);
        } else if (route->execution == Execution::io_thread) {
            response = Pipeline::invoke(*route, request);
        } else {
            const bool reads = request.method == "GET" || request.method == "HEAD";
            response = co_await on_worker(reads ? readers : writers, *route, request);
        }
        pipeline.after(request, response, route, std::chrono::steady_clock::now() - started);
    } catch (const std::exception& e) {
        spdlog::error("{} {} failed in the pipeline: {}", request.method, request.path, e.what());
        response = Response::problem(kernel::Problem(500, kernel::status_title(500), "an internal error occurred"));
        response.set_header("X-Request-Id", request.request_id);
    }
    co_return response;
}

asio::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> conn) {
    beast::flat_buffer buffer;
    beast::error_code ignored;
    const auto remote = conn->socket.remote_endpoint(ignored);
    const std::string client_address = remote.address().to_string();
    bool first = true;

    while (!draining) {
        conn->busy = false;
        if (buffer.size() == 0) {
            // Waiting for a request is the idle timeout; once bytes arrive, the header timeout runs,
            // so a client that trickles a header is cut off.
            conn->expire_in(first ? config.header_timeout_ms : config.idle_timeout_ms);
            auto [ec, n] = co_await conn->socket.async_read_some(buffer.prepare(4096), use_tuple);
            if (ec) break;
            buffer.commit(n);
        }
        conn->busy = true;
        first = false;

        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(header_limit);
        parser.body_limit(config.body_limit);
        conn->expire_in(config.header_timeout_ms);
        beast::error_code header_ec = parse_buffered_header(parser, buffer);
        if (!header_ec && !parser.is_header_done()) {
            std::size_t header_bytes = 0;
            std::tie(header_ec, header_bytes) = co_await bhttp::async_read_header(conn->socket, buffer, parser, use_tuple);
        }
        if (header_ec == bhttp::error::header_limit) {
            co_await reject(*conn, 431, "the request header is larger than 16 KiB", 11);
            break;
        }
        if (header_ec == bhttp::error::body_limit) {
            co_await reject(*conn, 413, body_too_large(), 11);
            break;
        }
        if (header_ec) {
            if (is_parse_error(header_ec)) co_await reject(*conn, 400, "malformed HTTP request", 11);
            break;
        }
        const unsigned version = parser.get().version();
        if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
            auto [continue_ec, continue_bytes] = co_await bhttp::async_write(conn->socket, go_on, use_tuple);
            if (continue_ec) break;
        }
        if (!parser.is_done()) {  // most GETs have no body: skip the extra asynchronous round
            conn->expire_in(config.body_timeout_ms);
            auto [body_ec, body_bytes] = co_await bhttp::async_read(conn->socket, buffer, parser, use_tuple);
            if (body_ec == bhttp::error::body_limit) {
                co_await reject(*conn, 413, body_too_large(), version);
                break;
            }
            if (body_ec) {
                if (is_parse_error(body_ec)) co_await reject(*conn, 400, "malformed HTTP request body", version);
                break;
            }
        }

        conn->no_expiry();  // a slow handler is not the client's fault
        auto& incoming = parser.get();
        const auto started = std::chrono::steady_clock::now();
        Request request;
        request.method = std::string(incoming.method_string());
        request.client_address = client_address;
        request.headers.reserve(8);
        for (const auto& field : incoming) {
            request.headers.emplace_back(to_lower(field.name_string()), std::string(field.value()));
        }
        request.body = std::move(incoming.body());

        const Route* route = nullptr;
        Response response = co_await respond(request, incoming.target(), route, started);

        const bool keep_alive = incoming.keep_alive() && !draining;
        const bool written = co_await write(*conn, response, version, keep_alive, request.method == "HEAD");
        if (!written || !keep_alive) break;
    }
    conn->socket.shutdown(tcp::socket::shutdown_send, ignored);
    conn->socket.close(ignored);
}

asio::awaitable<void> Server::Impl::sweep_loop() {
    auto self = shared_from_this();
    while (true) {
        sweep_timer.expires_after(sweep_interval);
        auto [ec] = co_await sweep_timer.async_wait(use_tuple);
        if (ec || drained) co_return;
        const std::int64_t now = steady_now_ns();
        std::lock_guard lock(connections_mutex);
        for (auto& [raw, weak] : connections) {
            auto conn = weak.lock();
            if (!conn || !conn->expired(now)) continue;
            // Cancelling on the connection's own executor keeps the socket single-threaded; the check is
            // repeated there because the session may have moved on to a new deadline meanwhile.
            asio::post(conn->socket.get_executor(), [conn] {
                if (!conn->expired(steady_now_ns())) return;
                conn->no_expiry();
                beast::error_code ignored;
                conn->socket.cancel(ignored);
            });
        }
    }
}

void Server::Impl::begin_shutdown() {
    if (draining.exchange(true)) return;
    spdlog::info("shutting down: no new connections, finishing requests in flight");
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    {
        std::lock_guard lock(connections_mutex);
        for (auto& [raw, weak] : connections) {
            auto conn = weak.lock();
            if (!conn) continue;
            asio::post(conn->socket.get_executor(), [conn] {
                beast::error_code ec;
                if (!conn->busy) conn->socket.cancel(ec);
            });
        }
    }
    grace_timer.expires_after(milliseconds(config.shutdown_grace_ms));
    grace_timer.async_wait(asio::bind_executor(control, [self = shared_from_this()](beast::error_code ec) {
        if (ec || self->drained) return;
        spdlog::warn("shutdown grace period over; closing connections still busy");
        self->forced_stop = true;
        self->ioc.stop();
    }));
    finish_if_drained();
}

void Server::Impl::forget(Connection* conn) {
    {
        std::lock_guard lock(connections_mutex);
        connections.erase(conn);
    }
    if (draining) asio::post(control, [self = shared_from_this()] { self->finish_if_drained(); });
}

void Server::Impl::finish_if_drained() {
    std::lock_guard lock(connections_mutex);
    if (drained || !connections.empty()) return;
    drained = true;  // the sweeper may be between waits: it checks this flag, not only cancellation
    grace_timer.cancel();
    sweep_timer.cancel();
    keep_running.reset();
}

Server::Server(const kernel::Config& config, const Router& router, kernel::WorkerPool& readers, kernel::WorkerPool& writers,
               kernel::MetricsRegistry& metrics)
    : impl_(std::make_shared<Impl>(config, router, readers, writers, metrics)) {}

Server::~Server() {
    Impl& impl = *impl_;
    // After a forced stop, coroutines are still suspended, holding references to the server and to
    // their sockets: close everything and let them run to their end, so that all of it is freed.
    impl.drained = true;
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    impl.signals.cancel(ignored);
    impl.grace_timer.cancel();
    impl.sweep_timer.cancel();
    {
        std::lock_guard lock(impl.connections_mutex);
        for (auto& [raw, weak] : impl.connections) {
            if (auto conn = weak.lock()) conn->socket.close(ignored);
        }
    }
    impl.keep_running.reset();
    impl.ioc.restart();
    impl.ioc.poll();
}


void Server::set_authenticator(Authenticator authenticate) { impl_->pipeline.set_authenticator(std::move(authenticate)); }

std::uint16_t Server::listen() {
    const tcp::endpoint endpoint(asio::ip::make_address(impl_->config.bind_address),
                                 static_cast<std::uint16_t>(impl_->config.port));
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    const std::size_t descriptors = raise_open_file_limit();
    const std::size_t room = descriptors > 2 * reserved_descriptors ? descriptors - reserved_descriptors : descriptors / 2;
    impl_->connection_cap = std::min(impl_->config.max_connections, room);
    if (impl_->connection_cap < impl_->config.max_connections) {
        spdlog::warn("the open-file limit ({}) allows {} client connections, fewer than server.max_connections ({}); raise it "
                     "(LimitNOFILE= under systemd, ulimit -n)",
                     descriptors, impl_->connection_cap, impl_->config.max_connections);
    }
    return impl_->acceptor.local_endpoint().port();
}

void Server::catch_signals() {
    auto impl = impl_;
    impl->signals.add(SIGINT);
    impl->signals.add(SIGTERM);
    impl->signals.async_wait(asio::bind_executor(impl->control, [impl](beast::error_code ec, int) {
        if (!ec) impl->begin_shutdown();
    }));
}

bool Server::run() {
    auto impl = impl_;
    asio::co_spawn(impl->control, impl->accept_loop(), asio::detached);
    asio::co_spawn(impl->control, impl->sweep_loop(), asio::detached);
    std::vector<std::thread> threads;
    for (int i = 1; i < impl->io_threads; ++i) threads.emplace_back([impl] { impl->ioc.run(); });
    impl->ioc.run();
    for (auto& t : threads) t.join();
    return !impl->forced_stop;
}

void Server::shutdown() {
    asio::post(impl_->control, [impl = impl_] { impl->begin_shutdown(); });
}

}  // namespace mercato::http
