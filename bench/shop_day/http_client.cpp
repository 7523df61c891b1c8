// The shop-day driver's HTTP/1.1 client: plain POSIX sockets, Content-Length framing (Mercato's answers
// always carry it, Beast's prepare_payload sets it), keep-alive unless the server says close.
#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

namespace shop_day {

namespace {

// A server that stops answering turns into errors after this, instead of a driver that never ends.
constexpr timeval io_timeout{30, 0};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

bool Connection::fail(std::string_view what, int err) {
    error_ = err ? fmt::format("{}: {}", what, std::error_code(err, std::generic_category()).message()) : std::string(what);
    close();
    return false;
}

bool Connection::open() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return fail("socket", errno);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &io_timeout, sizeof io_timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &io_timeout, sizeof io_timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) return fail("connect", errno);
    return true;
}

void Connection::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
}

bool Connection::write_all(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail("send", errno);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool Connection::fill() {
    char chunk[16384];
    for (;;) {
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
        if (n == 0) return fail("connection closed by the server before the whole answer");
        if (errno == EINTR) continue;
        // SO_RCVTIMEO ran out (EAGAIN is EWOULDBLOCK on Linux).
        return errno == EAGAIN ? fail("no answer within 30 s") : fail("recv", errno);
    }
}

bool Connection::read_answer(Answer& answer) {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill()) return false;
    }
    const std::string_view head(buffer_.data(), header_end);
    constexpr std::string_view version = "HTTP/1.1 ";
    if (!head.starts_with(version) || head.size() < version.size() + 3 ||
        std::from_chars(head.data() + version.size(), head.data() + version.size() + 3, answer.status).ec != std::errc{}) {
        return fail(fmt::format("not an HTTP/1.1 status line: {:.60}", head));
    }

    std::size_t length = 0;
    bool has_length = false;
    bool close_after = false;
    for (auto line_start = head.find("\r\n"); line_start != std::string_view::npos;) {
        line_start += 2;
        const auto line_end = head.find("\r\n", line_start);
        const auto line = head.substr(line_start, line_end - line_start);
        line_start = line_end;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const auto name = line.substr(0, colon);
        const auto value = trim(line.substr(colon + 1));
        if (iequals(name, "content-length")) {
            has_length = std::from_chars(value.data(), value.data() + value.size(), length).ec == std::errc{};
        } else if (iequals(name, "connection")) {
            close_after = iequals(value, "close");
        }
    }
    // Only these may come without a body and without a length.
    if (!has_length && answer.status != 204 && answer.status != 304 && answer.status >= 200) {
        return fail(fmt::format("answer {} without Content-Length", answer.status));
    }

    const auto body_start = header_end + 4;
    while (buffer_.size() < body_start + length) {
        if (!fill()) return false;
    }
    answer.body.assign(buffer_, body_start, length);
    buffer_.erase(0, body_start + length);
    if (close_after) close();
    return true;
}

Answer Connection::send(std::string_view method, std::string_view target, std::string_view token, std::string_view json) {
    Answer answer;
    request_.clear();
    auto out = std::back_inserter(request_);
    fmt::format_to(out, "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target);
    if (!token.empty()) fmt::format_to(out, "Authorization: Bearer {}\r\n", token);
    if (!json.empty()) fmt::format_to(out, "Content-Type: application/json\r\nContent-Length: {}\r\n", json.size());
    request_ += "\r\n";
    request_ += json;
    if ((fd_ < 0 && !open()) || !write_all(request_) || !read_answer(answer)) answer.status = 0;
    return answer;
}

}  // namespace shop_day
