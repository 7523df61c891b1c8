// Gzip response compression and the Accept-Encoding check that decides whether a client gets it.
#pragma once

#include <string>
#include <string_view>

namespace mercato::http {

// Throws std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view data);

// True when an Accept-Encoding header value (RFC 9110 §12.5.3) allows a gzip-coded response.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace mercato::http
