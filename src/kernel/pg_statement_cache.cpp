#include "kernel/pg_statement_cache.hpp"
#include "kernel/next_definition.hpp"

#include <libpq-fe.h>

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mercato::kernel::pg_statement_cache {

namespace {

// libpq's own definitions, the next ones after the executable's.
struct Real {
    decltype(&::PQexecParams) exec_params;
    decltype(&::PQfinish) finish;
    decltype(&::PQreset) reset;
};

const Real& real() {
    static const Real functions{next_definition<decltype(Real::exec_params)>("PQexecParams"),
                                next_definition<decltype(Real::finish)>("PQfinish"),
                                next_definition<decltype(Real::reset)>("PQreset")};
    return functions;
}

// The statement names each open connection has prepared, by text. A connection is used by one
// thread at a time, but the map is the process's: one short lock.
struct Cache {
    std::mutex mutex;
    std::unordered_map<PGconn*, std::unordered_map<std::string, std::string>> names;
    unsigned long long next_name = 0;
    std::atomic<unsigned long long> prepared{0};
    std::atomic<unsigned long long> reused{0};
};

Cache& cache() {
    static Cache instance;
    return instance;
}

void forget_connection(PGconn* conn) {
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    c.names.erase(conn);
}

// The name `command` is prepared under on `conn`, preparing it now if it is new; empty when it
// cannot be (the connection keeps enough already, or the server refused it).
std::string prepared_name(PGconn* conn, const char* command, int parameters) {
    auto& c = cache();
    std::string name;
    {
        std::lock_guard lock(c.mutex);
        auto& known = c.names[conn];
        if (const auto it = known.find(command); it != known.end()) {
            c.reused.fetch_add(1, std::memory_order_relaxed);
            return it->second;
        }
        if (known.size() >= per_connection) return {};
        name = "mercato_" + std::to_string(++c.next_name);
    }
    PGresult* result = PQprepare(conn, name.c_str(), command, parameters, nullptr);
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) return {};
    c.prepared.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(c.mutex);
    c.names[conn].emplace(command, name);
    return name;
}

}  // namespace

void install() { real(); }

Counts counts() { return {cache().prepared.load(), cache().reused.load()}; }

}  // namespace mercato::kernel::pg_statement_cache

using namespace mercato::kernel::pg_statement_cache;

extern "C" {

PGresult* PQexecParams(PGconn* conn, const char* command, int parameters, const Oid* types, const char* const* values,
                       const int* lengths, const int* formats, int result_format) {
    // Types given would be part of what was prepared; nothing here gives them, so they are not kept.
    if (types == nullptr && conn != nullptr) {
        const std::string name = prepared_name(conn, command, parameters);
        if (!name.empty()) return PQexecPrepared(conn, name.c_str(), parameters, values, lengths, formats, result_format);
    }
    return real().exec_params(conn, command, parameters, types, values, lengths, formats, result_format);
}

void PQfinish(PGconn* conn) {
    forget_connection(conn);
    real().finish(conn);
}

void PQreset(PGconn* conn) {
    forget_connection(conn);
    real().reset(conn);
}

}  // extern "C"
