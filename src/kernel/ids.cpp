#include "kernel/ids.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace mercato::kernel {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kUlidLength = 26;
constexpr std::size_t kTimeLength = 10;
constexpr std::size_t kMaxPrefixLength = 8;

// 16 bytes, big-endian: 6 bytes of milliseconds, then 10 random bytes.
using Ulid = std::array<std::uint8_t, 16>;

bool is_valid_prefix(std::string_view prefix) {
    if (prefix.empty() || prefix.size() > kMaxPrefixLength) return false;
    for (char c : prefix) {
        if (c < 'a' || c > 'z') return false;
    }
    return true;
}

bool is_crockford(char c) { return kAlphabet.find(c) != std::string_view::npos; }

// 26 characters carry 130 bits for 128 of data, so the first character holds
// only 3 bits and can be at most '7'.
bool is_ulid(std::string_view text) {
    if (text.size() != kUlidLength || text[0] > '7') return false;
    for (char c : text) {
        if (!is_crockford(c)) return false;
    }
    return true;
}

std::string encode(const Ulid& ulid) {
    std::string out(kUlidLength, '0');
    for (std::size_t i = 0; i < kUlidLength; ++i) {
        unsigned value = 0;
        for (std::size_t k = 0; k < 5; ++k) {
            // Bits of the 130-bit number whose top two bits are zero padding.
            const std::size_t padded = i * 5 + k;
            const unsigned bit =
                padded < 2 ? 0u : (ulid[(padded - 2) / 8] >> (7 - (padded - 2) % 8)) & 1u;
            value = (value << 1) | bit;
        }
        out[i] = kAlphabet[value];
    }
    return out;
}

class Generator {
public:
    std::string next() {
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        const auto now_ms = static_cast<std::uint64_t>(now);

        std::lock_guard lock(mutex_);
        // A clock stepped backwards (NTP) is treated like the same millisecond,
        // so order never breaks.
        if (now_ms > last_ms_) {
            start_millisecond(now_ms);
        } else if (!increment_random()) {
            start_millisecond(last_ms_ + 1);
        }
        Ulid ulid{};
        for (std::size_t i = 0; i < 6; ++i) {
            ulid[i] = static_cast<std::uint8_t>(last_ms_ >> (8 * (5 - i)));
        }
        std::copy(random_.begin(), random_.end(), ulid.begin() + 6);
        return encode(ulid);
    }

private:
    void start_millisecond(std::uint64_t ms) {
        last_ms_ = ms;
        if (RAND_bytes(random_.data(), static_cast<int>(random_.size())) != 1) {
            throw std::runtime_error("RAND_bytes failed while generating an id");
        }
    }

    // False when the 80 bits wrap around; the caller then borrows the next
    // millisecond rather than failing.
    bool increment_random() {
        for (auto it = random_.rbegin(); it != random_.rend(); ++it) {
            if (++*it != 0) return true;
        }
        return false;
    }

    std::mutex mutex_;
    std::uint64_t last_ms_ = 0;
    std::array<std::uint8_t, 10> random_{};
};

}  // namespace

std::string new_id(std::string_view prefix) {
    if (!is_valid_prefix(prefix)) {
        throw std::invalid_argument("id prefix must be 1-8 lower-case letters, got \"" +
                                    std::string(prefix) + "\"");
    }
    static Generator generator;
    std::string id(prefix);
    id += '_';
    id += generator.next();
    return id;
}

bool is_id(std::string_view id, std::string_view prefix) {
    return id.size() == prefix.size() + 1 + kUlidLength && id.starts_with(prefix) &&
           id[prefix.size()] == '_' && is_ulid(id.substr(prefix.size() + 1));
}

std::optional<std::chrono::system_clock::time_point> id_time(std::string_view id) {
    const auto underscore = id.find('_');
    if (underscore == std::string_view::npos || !is_valid_prefix(id.substr(0, underscore)) ||
        !is_ulid(id.substr(underscore + 1))) {
        return std::nullopt;
    }
    std::uint64_t ms = 0;
    for (char c : id.substr(underscore + 1, kTimeLength)) ms = (ms << 5) | kAlphabet.find(c);
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace mercato::kernel
