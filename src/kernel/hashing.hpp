// Cryptographic digests shared by the kernel (migration checksums, signatures).
#pragma once

#include <string>
#include <string_view>

namespace mercato::kernel {

std::string sha256_hex(std::string_view data);

}  // namespace mercato::kernel
