#include "kernel/bus/trace_context.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>

#include <openssl/rand.h>

#include "kernel/hashing.hpp"

namespace mercato::kernel::bus {

namespace {

thread_local std::string_view current;

std::string random_hex(std::size_t bytes) {
    std::array<unsigned char, 16> raw{};
    if (RAND_bytes(raw.data(), static_cast<int>(bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
    return hex_encode(std::span(raw).first(bytes));
}

bool is_lower_hex(std::string_view text) {
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return text.find_first_not_of('0') != std::string_view::npos;  // all zeros is invalid
}

}  // namespace

std::string next_traceparent(std::string_view parent) {
    // version "00", 32 hex trace id, 16 hex parent id, 2 hex flags, dash separated: 55 characters.
    const bool valid = parent.size() == 55 && parent.substr(0, 3) == "00-" && parent[35] == '-' && parent[52] == '-' &&
                       is_lower_hex(parent.substr(3, 32)) && is_lower_hex(parent.substr(36, 16));
    const std::string trace_id = valid ? std::string(parent.substr(3, 32)) : random_hex(16);
    return "00-" + trace_id + "-" + random_hex(8) + "-01";
}

std::string_view current_traceparent() { return current; }

TraceScope::TraceScope(std::string_view traceparent) : previous_(current) { current = traceparent; }
TraceScope::~TraceScope() { current = previous_; }

}  // namespace mercato::kernel::bus
