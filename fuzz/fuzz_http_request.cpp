// Fuzzes the HTTP request path end to end: raw bytes over a fresh TCP connection to the real server
// (Beast's request parser with the server's limits, the conversion to a Request, the router, the
// pipeline and whatever route the bytes reach) of a whole shop. The server must answer every
// request it reads with a well-formed response and never with a 5xx.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "support/fuzz_shop.hpp"

namespace {

struct Target {
    mercato::fuzz::FuzzShop shop{[](mercato::kernel::Config& config) {
        // X-Forwarded-For is believed from this proxy, so the client address and the rate limiter's
        // subject come from the fuzzed header too.
        config.trusted_proxies = {"127.0.0.1"};
    }};
    std::uint16_t port = shop.serve();
};

[[noreturn]] void fail(const char* what, std::string_view answer) {
    std::fprintf(stderr, "fuzz_http_request: %s\n--- answer ---\n%.*s\n", what, static_cast<int>(answer.size()), answer.data());
    std::abort();
}

int connect_to(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) fail("socket() failed", {});
    // The server sees the end of the stream at once, so a connection still open after this is a hang.
    const timeval patience{30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail("connect() failed", {});
    return fd;
}

// Sends everything, then half-closes so the server sees the end of the stream; the server may stop
// reading early (it refused the request), which is not an error.
void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    shutdown(fd, SHUT_WR);
}

std::string read_to_end(int fd) {
    std::string answer;
    char chunk[16 * 1024];
    while (true) {
        const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            answer.append(chunk, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            fail("the server held the connection open 30 s after the request ended", answer);
        } else {
            break;  // end of stream, or a reset after the server refused the request
        }
    }
    return answer;
}

// Every status line the server sent: it always starts with one, and no 5xx may appear. Bodies are
// JSON (which escapes line breaks) or gzip, so a line break followed by "HTTP/1." marks a response.
void check_answer(std::string_view answer) {
    if (answer.empty()) return;  // the bytes never made a request: a clean close is the answer
    if (!answer.starts_with("HTTP/1.")) fail("the answer does not start with a status line", answer);
    for (std::size_t at = 0; at != std::string_view::npos; at = answer.find("\nHTTP/1.", at + 1)) {
        const std::size_t line = answer[at] == '\n' ? at + 1 : at;
        const std::string_view status = answer.substr(line, 12);
        if (status.size() < 12 || status[8] != ' ') fail("a malformed status line", answer);
        if (status[9] == '5') fail("a 5xx answer", answer);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Target target;
    const int fd = connect_to(target.port);
    send_all(fd, std::string_view(reinterpret_cast<const char*>(data), size));
    const std::string answer = read_to_end(fd);
    close(fd);
    check_answer(answer);
    return 0;
}
