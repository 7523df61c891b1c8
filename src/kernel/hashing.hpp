// Cryptographic digests shared by the kernel (migration checksums, signatures).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mercato::kernel {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace mercato::kernel
