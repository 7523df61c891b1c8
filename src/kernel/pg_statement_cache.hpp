// Prepares each PostgreSQL statement once per connection, so the server stops parsing and planning it again.
#pragma once

#include <cstddef>

namespace mercato::kernel::pg_statement_cache {

// SOCI sends every statement with values as a one-time query (PQexecParams): the server parses,
// analyses and plans it each time, and on the shop-day mix that was most of PostgreSQL's work.
// This unit defines PQexecParams (and PQfinish, PQreset) in the executable, ahead of libpq's, so
// SOCI's calls reach it: the first time a connection runs a text it is prepared under a name of
// this process (PQprepare), and every time it runs as PQexecPrepared, one round trip as before. A
// text that cannot be prepared (a syntax error, an aborted transaction) runs as it would have, so
// the caller sees the server's own error. At most `per_connection` texts a connection are kept;
// past that they run unprepared. A connection's names go with it when it is closed or reset.
//
// Prepared statements live in the server session: this needs a direct connection or a pooler in
// session mode, not PgBouncer's transaction mode.
constexpr std::size_t per_connection = 256;

// Resolves libpq's definitions; call it before the first connection opens (Database::open does).
void install();

struct Counts {
    unsigned long long prepared = 0;  // texts prepared
    unsigned long long reused = 0;    // runs of a text prepared before
};
Counts counts();

}  // namespace mercato::kernel::pg_statement_cache
