#include "support/http_client.hpp"

#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <zlib.h>

#include "support/eventually.hpp"

namespace mercato::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::string HttpReply::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

nlohmann::json HttpReply::json() const { return nlohmann::json::parse(body); }

struct HttpClient::Impl {
    asio::io_context ioc;
    asio::ip::tcp::socket socket{ioc};
    beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
    impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::send(const std::string& method, const std::string& target, const std::string& body,
                           const Headers& headers) {
    bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() && request[bhttp::field::content_type].empty()) request.set(bhttp::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    bhttp::write(impl_->socket, request);
    return read_reply(method == "HEAD");
}

HttpReply HttpClient::read_reply(bool head) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    bhttp::read(impl_->socket, impl_->buffer, parser);
    auto& response = parser.get();
    HttpReply reply;
    reply.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        reply.headers[name] = std::string(field.value());
    }
    reply.body = std::move(response.body());
    return reply;
}

bool HttpClient::closed_by_server(int wait_ms) {
    auto& socket = impl_->socket;
    socket.non_blocking(true);
    const bool closed = eventually(
        [&] {
            char byte = 0;
            beast::error_code ec;
            while (socket.read_some(asio::buffer(&byte, 1), ec) > 0) {
            }  // an error response the server wrote before closing
            return ec == asio::error::eof || ec == asio::error::connection_reset;
        },
        std::chrono::milliseconds(wait_ms));
    if (!closed) socket.non_blocking(false);
    return closed;
}

void HttpClient::write_raw(const std::string& bytes) { asio::write(impl_->socket, asio::buffer(bytes)); }

std::string HttpClient::local_endpoint() const {
    const auto e = impl_->socket.local_endpoint();
    return e.address().to_string() + ":" + std::to_string(e.port());
}

std::string gunzip(const std::string& data) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char chunk[16384];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = sizeof chunk;
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&stream);
            throw std::runtime_error("not a gzip stream");
        }
        out.append(chunk, sizeof chunk - stream.avail_out);
    }
    inflateEnd(&stream);
    return out;
}

}  // namespace mercato::test
