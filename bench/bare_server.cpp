// bare_server: the HTTP throughput ceiling for this machine. A minimal
// Boost.Beast HTTP/1.1 server (C++20 coroutines, keep-alive) that answers
// every request with the same small JSON body, so bench/http_ceiling.sh can
// compare mercato's plain routes against what Beast alone achieves.
//
// Usage: bare_server --port P [--threads N]

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <csignal>
#include <exception>
#include <iostream>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Errors come back as values: exceptions on every disconnect would cost more
// than the request itself and distort the ceiling.
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view k_body = R"({"status":"ok"})";

asio::awaitable<void> session(tcp::socket socket) {
    boost::beast::flat_buffer buffer;

    // The response never changes except for version and keep-alive, so it is
    // built once per connection; the body fits the small-string buffer.
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = k_body;
    res.prepare_payload();

    for (;;) {
        http::request<http::string_body> req;
        auto [read_ec, read_n] = co_await http::async_read(socket, buffer, req, use_tuple);
        if (read_ec) {
            break;  // end_of_stream or a broken peer: either way the connection is done
        }

        res.version(req.version());
        res.keep_alive(req.keep_alive());
        auto [write_ec, write_n] = co_await http::async_write(socket, res, use_tuple);
        if (write_ec || !res.keep_alive()) {
            break;
        }
    }

    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted) {
            co_return;
        }
        if (ec) {
            continue;  // transient (e.g. peer reset before accept); keep serving
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        // Each connection is its own coroutine with one pending operation at a
        // time, which makes it an implicit strand even with several threads.
        asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
}

bool parse_uint(std::string_view text, unsigned& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

int usage() {
    std::cerr << "usage: bare_server --port P [--threads N]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    unsigned port = 0;
    unsigned threads = 1;
    bool have_port = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (i + 1 >= argc) {
            return usage();
        }
        std::string_view value = argv[++i];
        if (arg == "--port") {
            if (!parse_uint(value, port) || port > 65535) {
                return usage();
            }
            have_port = true;
        } else if (arg == "--threads") {
            if (!parse_uint(value, threads) || threads == 0) {
                return usage();
            }
        } else {
            return usage();
        }
    }
    if (!have_port) {
        return usage();
    }

    try {
        // The hint lets Asio drop internal locking when there is one thread.
        asio::io_context ioc{static_cast<int>(threads)};

        tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"),
                               static_cast<unsigned short>(port)};
        tcp::acceptor acceptor{ioc};
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);

        asio::signal_set signals{ioc, SIGINT, SIGTERM};
        signals.async_wait([&ioc](const boost::system::error_code&, int) { ioc.stop(); });

        asio::co_spawn(ioc, listen(acceptor), asio::detached);

        // Port 0 is allowed, so the script learns the real port from this line.
        std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;

        std::vector<std::jthread> workers;
        workers.reserve(threads - 1);
        for (unsigned i = 1; i < threads; ++i) {
            workers.emplace_back([&ioc] { ioc.run(); });
        }
        ioc.run();
    } catch (const std::exception& e) {
        std::cerr << "bare_server: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
