#include "http/idempotency_header.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "kernel/hashing.hpp"
#include "kernel/problem.hpp"

namespace mercato::http {

namespace {
constexpr std::size_t max_key_length = 255;
}  // namespace

std::optional<kernel::IdempotencyKey> idempotency_key(const Request& request, const nlohmann::json& body) {
    const auto key = request.header("idempotency-key");
    if (key.empty()) return std::nullopt;
    if (key.size() > max_key_length) {
        throw kernel::Problem::bad_request(fmt::format("the Idempotency-Key header is longer than {} characters", max_key_length));
    }
    // nlohmann keeps object keys sorted, so the dump is canonical.
    return kernel::IdempotencyKey{std::string(key), kernel::sha256_hex(body.dump())};
}

}  // namespace mercato::http
