// Cryptographic digests shared by the kernel (migration checksums, signatures), and the hex they are written in.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mercato::kernel {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

// Lower-case hex, two digits a byte.
std::string hex_encode(std::span<const std::uint8_t> bytes);
// The bytes hex text spells (either case); nullopt for an odd length or anything but hex digits.
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace mercato::kernel
