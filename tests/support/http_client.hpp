// A small blocking HTTP/1.1 client for driving the real server in tests, one kept-alive connection each.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mercato::test {

struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    std::string header(const std::string& name) const;
    nlohmann::json json() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
public:
    explicit HttpClient(std::uint16_t port);
    ~HttpClient();

    HttpReply send(const std::string& method, const std::string& target, const std::string& body = {},
                   const Headers& headers = {});
    HttpReply get(const std::string& target, const Headers& headers = {}) { return send("GET", target, {}, headers); }

    // Whether the server closed this connection (a read sees end of stream within the wait).
    bool closed_by_server(int wait_ms);
    // Writes raw bytes, for requests a well-behaved client would never send.
    void write_raw(const std::string& bytes);
    // Reads one response (after write_raw).
    HttpReply read_reply(bool head = false);
    std::string local_endpoint() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Inflates a gzip body.
std::string gunzip(const std::string& data);

}  // namespace mercato::test
