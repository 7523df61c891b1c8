#include "kernel/hashing.hpp"

#include <array>

#include <openssl/evp.h>

namespace mercato::kernel {

Sha256Digest sha256(std::string_view data) {
    Sha256Digest digest{};
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
    return digest;
}

std::string sha256_hex(std::string_view data) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (const std::uint8_t byte : sha256(data)) {
        out += hex[byte >> 4];
        out += hex[byte & 0xf];
    }
    return out;
}

}  // namespace mercato::kernel
