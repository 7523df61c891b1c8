// A blocking HTTP/1.1 client on one keep-alive connection to 127.0.0.1: each simulated customer of the
// shop-day load has one, so every request is one round trip whose latency it can time.
#pragma once

#include <string>
#include <string_view>

namespace shop_day {

struct Answer {
    int status = 0;  // 0: no answer (refused, reset, closed, timed out or malformed; see Connection::error)
    std::string body;
};

class Connection {
public:
    explicit Connection(int port) : port_(port) {}
    ~Connection() { close(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // One request and its answer; a JSON body when json is not empty, a bearer token when token is not.
    // A broken connection is not retried (a retry would hide what the server did): the answer has
    // status 0 and the next request opens a new connection.
    Answer send(std::string_view method, std::string_view target, std::string_view token = {},
                std::string_view json = {});
    const std::string& error() const { return error_; }

private:
    bool open();
    void close();
    bool write_all(std::string_view bytes);
    bool fill();
    bool read_answer(Answer& answer);
    bool fail(std::string_view what, int err = 0);

    int port_;
    int fd_ = -1;
    std::string buffer_;   // bytes received and not yet consumed
    std::string request_;  // reused, so a request allocates nothing once warmed up
    std::string error_;
};

}  // namespace shop_day
