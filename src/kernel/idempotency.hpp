// Idempotency-Key ledgers: a module that accepts the header keeps <module>.idempotency_keys (its own
// migration makes the table) and claims each key here before doing the work the key guards.
#pragma once

#include <string>

#include "kernel/db_url.hpp"

namespace soci {
class session;
}

namespace mercato::kernel {

enum class KeyState {
    claimed,    // new (or expired, or abandoned by a crashed attempt): do the work
    replay,     // done before with this body: answer status and body again
    in_flight,  // another request with this key is being answered now: 409, safe to retry
    mismatch,   // used before with another body: 422
};

struct KeyClaim {
    KeyState state = KeyState::claimed;
    int status = 0;
    std::string body;
};

struct KeyRequest {
    std::string module;  // whose schema keeps the ledger
    std::string user_id;
    std::string key;
    std::string request_hash;
};

// Run inside a write of the module. now and the other times are RFC 3339: a claim lasts until
// expires_at; an in-flight claim made before stale_before is taken over (its request died).
KeyClaim claim_idempotency_key(soci::session& session, Backend backend, const KeyRequest& request, const std::string& now,
                               const std::string& expires_at, const std::string& stale_before);
// The answer to keep, in the transaction that made what it describes.
void complete_idempotency_key(soci::session& session, const KeyRequest& request, int status, const std::string& body);
// Gives the key back after a failure, so the client may retry with it.
void release_idempotency_key(soci::session& session, const KeyRequest& request);
// Deletes claims past their expiry; returns how many.
std::size_t prune_idempotency_keys(soci::session& session, const std::string& module, const std::string& now);

}  // namespace mercato::kernel
