#include "support/silent_port.hpp"

#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mercato::test {

namespace {

// A socket bound to 127.0.0.1 on a port the kernel picks; its port through *port.
int bound_socket(std::uint16_t* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("no socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a loopback port");
    }
    *port = ntohs(address.sin_port);
    return fd;
}

}  // namespace

// Connections complete in the kernel's backlog; nobody accepts them, so a client waits for a greeting forever.
SilentPort::SilentPort() : port_(0), fd_(bound_socket(&port_)) {
    if (::listen(fd_, 64) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot listen");
    }
}

SilentPort::~SilentPort() { ::close(fd_); }

std::uint16_t free_port() {
    std::uint16_t port = 0;
    ::close(bound_socket(&port));
    return port;
}

}  // namespace mercato::test
