// Idempotency-Key ledgers: a module that accepts the header keeps <module>.idempotency_keys (made by
// the kernel's idempotency track, idempotency_schema.hpp) and claims each key here before doing the
// work the key guards.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "kernel/db_url.hpp"

namespace soci {
class session;
}

namespace mercato::kernel {

class ModuleDb;

// An Idempotency-Key header and what it was sent with (a digest of the request body).
struct IdempotencyKey {
    std::string key;
    std::string request_hash;
};

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

// What a write guarded by an Idempotency-Key answered: the status and body stored with the key,
// which a replay returns byte for byte.
struct KeyedAnswer {
    int status = 0;
    std::string body;
    bool replayed = false;
};

// Runs work under user's key in module's ledger: claims the key in a write of its own (409 while
// another request with it is answered, 422 if it came with another body), returns the stored answer
// to a repeat, and gives the key back when work throws, so the client may retry. work must complete
// the key (complete_idempotency_key) in the transaction that makes what it answers. Without a key,
// work just runs. now is the caller's clock (tests move it); claims last ttl.
KeyedAnswer run_idempotent(const ModuleDb& module, const std::string& user_id, const std::optional<IdempotencyKey>& key,
                           std::chrono::system_clock::time_point now, std::chrono::hours ttl,
                           const std::function<KeyedAnswer(const std::optional<KeyRequest>& claim)>& work);

}  // namespace mercato::kernel
