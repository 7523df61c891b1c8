#include "kernel/page_cursor.hpp"

#include <span>

#include "kernel/hashing.hpp"

namespace mercato::kernel {

std::string encode_cursor(char sort_mark, std::string_view key, std::string_view id) {
    std::string plain;
    plain += sort_mark;
    plain += key;
    plain += '\n';  // ids never hold one, so the last newline splits key from id
    plain += id;
    return kernel::hex_encode(std::span(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()));
}

std::optional<CursorPosition> decode_cursor(std::string_view cursor, char sort_mark) {
    const auto plain = kernel::hex_decode(cursor);
    if (!plain || plain->size() < 2 || plain->front() != sort_mark) return std::nullopt;
    const auto split = plain->rfind('\n');
    if (split == std::string::npos || split == plain->size() - 1) return std::nullopt;
    return CursorPosition{plain->substr(1, split - 1), plain->substr(split + 1)};
}

}  // namespace mercato::kernel
