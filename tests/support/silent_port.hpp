// A TCP port on 127.0.0.1 that takes connections and never says a word: a server that hangs, for
// proving timeouts and that nothing else waits for it.
#pragma once

#include <cstdint>

namespace mercato::test {

class SilentPort {
public:
    SilentPort();
    ~SilentPort();
    SilentPort(const SilentPort&) = delete;
    SilentPort& operator=(const SilentPort&) = delete;

    std::uint16_t port() const noexcept { return port_; }

private:
    std::uint16_t port_ = 0;  // before fd_: the socket's making sets it
    int fd_ = -1;
};

// A port nothing listens on now (bound and released), for a server the test starts on it.
std::uint16_t free_port();

}  // namespace mercato::test
