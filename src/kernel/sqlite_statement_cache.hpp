// Keeps SQLite's compiled statements per connection, so a query the process runs again is not parsed again.
#pragma once

#include <cstddef>

namespace mercato::kernel::sqlite_statement_cache {

// SOCI compiles every statement it runs (sqlite3_prepare_v2) and throws it away after
// (sqlite3_finalize), and has no cache of its own: on a busy shop, parsing SQL took a third of the
// server's time. This unit defines those two calls (and sqlite3_close) in the executable, ahead of
// libsqlite3's, so SOCI's calls reach it: a finalized statement is reset, its bindings cleared, and
// kept for its connection; the next prepare of the same text on that connection gets it back, as
// good as new. Only statements that are the whole text are kept, at most `per_connection` a
// connection (the least recently used goes), and a connection's are finalized before it closes.
//
// install() also turns off SQLite's allocation statistics, which take a process-wide mutex on
// every allocation. Call it before the first connection opens (Database::open does).
void install();

constexpr std::size_t per_connection = 64;

struct Counts {
    unsigned long long reused = 0;    // prepares answered from the cache
    unsigned long long compiled = 0;  // prepares that compiled
};
Counts counts();

}  // namespace mercato::kernel::sqlite_statement_cache
