#include "http/gzip.hpp"

#include "http/text.hpp"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>

namespace mercato::http {

namespace {

// Adding 16 to the window bits makes zlib write a gzip header and trailer instead of a zlib one.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;

struct DeflateStream {
    z_stream zs{};
    DeflateStream() {
        if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("gzip: deflateInit2 failed");
    }
    ~DeflateStream() { deflateEnd(&zs); }
    DeflateStream(const DeflateStream&) = delete;
    DeflateStream& operator=(const DeflateStream&) = delete;
};

std::string_view trim(std::string_view s) {
    const auto is_ows = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// The weight of one "coding;param;..." element; a malformed weight counts as 0 so that a header
// we cannot understand never earns the client a coding it may not decode.
double weight_of(std::string_view params) {
    double q = 1.0;
    while (!params.empty()) {
        const auto semi = params.find(';');
        const std::string_view param = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);

        const auto eq = param.find('=');
        if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "q")) continue;
        const std::string_view value = trim(param.substr(eq + 1));
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
        if (ec != std::errc{} || end != value.data() + value.size() || q < 0.0 || q > 1.0) return 0.0;
    }
    return q;
}

}  // namespace

std::string gzip_compress(std::string_view data) {
    // zlib counts bytes in 32 bits per call; response bodies are nowhere near that.
    if (data.size() > std::numeric_limits<uInt>::max())
        throw std::runtime_error("gzip: input too large");

    DeflateStream stream;
    z_stream& zs = stream.zs;
    std::string out(deflateBound(&zs, data.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());

    // deflateBound guarantees room for the whole stream, so a single call must finish it.
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("gzip: deflate failed");
    out.resize(zs.total_out);
    return out;
}

bool accepts_gzip(std::string_view accept_encoding) {
    std::optional<double> gzip_q;
    std::optional<double> any_q;
    while (!accept_encoding.empty()) {
        const auto comma = accept_encoding.find(',');
        const std::string_view element = accept_encoding.substr(0, comma);
        accept_encoding =
            comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);

        const auto semi = element.find(';');
        const std::string_view coding = trim(element.substr(0, semi));
        const double q =
            semi == std::string_view::npos ? 1.0 : weight_of(element.substr(semi + 1));
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
            gzip_q = std::max(gzip_q.value_or(0.0), q);
        else if (coding == "*")
            any_q = std::max(any_q.value_or(0.0), q);
    }
    // An explicit gzip entry overrides "*", including an explicit refusal.
    if (gzip_q) return *gzip_q > 0.0;
    return any_q.value_or(0.0) > 0.0;
}

}  // namespace mercato::http
