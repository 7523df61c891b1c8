// Reads the Idempotency-Key header of a write, with the digest of the body it came with.
#pragma once

#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "kernel/idempotency.hpp"

namespace mercato::http {

class Request;

// nullopt without the header; Problem 400 for a key over 255 characters. The digest is of the parsed
// body, so the same request spaced or ordered differently is the same request.
std::optional<kernel::IdempotencyKey> idempotency_key(const Request& request, const nlohmann::json& body);

}  // namespace mercato::http
