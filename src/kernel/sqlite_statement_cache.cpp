#include "kernel/sqlite_statement_cache.hpp"
#include "kernel/next_definition.hpp"

#include <link.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cctype>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <unordered_map>
#include <vector>

namespace mercato::kernel::sqlite_statement_cache {

namespace {

// libsqlite3's own definitions, the next ones after the executable's, and where libsqlite3 lies in
// memory: SQLite calls prepare itself (sqlite3_exec, reading a changed schema mid-statement), and
// those calls must reach it untouched.
struct Real {
    decltype(&::sqlite3_prepare_v2) prepare_v2;
    decltype(&::sqlite3_finalize) finalize;
    decltype(&::sqlite3_close) close;
    decltype(&::sqlite3_close_v2) close_v2;
    std::uintptr_t library_begin = 0;
    std::uintptr_t library_end = 0;
};

// The span of the loaded object holding `address`.
std::pair<std::uintptr_t, std::uintptr_t> object_span(const void* address) {
    struct Search {
        std::uintptr_t address;
        std::pair<std::uintptr_t, std::uintptr_t> span{0, 0};
    } search{reinterpret_cast<std::uintptr_t>(address)};
    dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* data) {
            auto& s = *static_cast<Search*>(data);
            std::uintptr_t begin = UINTPTR_MAX;
            std::uintptr_t end = 0;
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const auto& segment = info->dlpi_phdr[i];
                if (segment.p_type != PT_LOAD) continue;
                begin = std::min<std::uintptr_t>(begin, info->dlpi_addr + segment.p_vaddr);
                end = std::max<std::uintptr_t>(end, info->dlpi_addr + segment.p_vaddr + segment.p_memsz);
            }
            if (s.address < begin || s.address >= end) return 0;
            s.span = {begin, end};
            return 1;
        },
        &search);
    return search.span;
}

const Real& real() {
    static const Real functions = [] {
        Real r{next_definition<decltype(Real::prepare_v2)>("sqlite3_prepare_v2"),
               next_definition<decltype(Real::finalize)>("sqlite3_finalize"),
               next_definition<decltype(Real::close)>("sqlite3_close"),
               next_definition<decltype(Real::close_v2)>("sqlite3_close_v2")};
        std::tie(r.library_begin, r.library_end) = object_span(reinterpret_cast<const void*>(r.prepare_v2));
        return r;
    }();
    return functions;
}

bool called_by_sqlite(const void* return_address) {
    const auto address = reinterpret_cast<std::uintptr_t>(return_address);
    return address >= real().library_begin && address < real().library_end;
}

struct Kept {
    std::size_t hash;
    std::string sql;
    sqlite3_stmt* statement;
    unsigned long long last_used;
};

struct Lent {
    std::size_t hash;
    std::string sql;
};

// The idle statements of every open connection, and the ones handed out that may come back. A
// connection is used by one thread at a time, but the map is the process's: one short lock.
struct Cache {
    std::mutex mutex;
    std::unordered_map<sqlite3*, std::vector<Kept>> idle;
    std::unordered_map<sqlite3_stmt*, Lent> lent;
    unsigned long long clock = 0;
    std::atomic<unsigned long long> reused{0};
    std::atomic<unsigned long long> compiled{0};
};

Cache& cache() {
    static Cache instance;
    return instance;
}

// Whether nothing but white space follows the first statement: a text of several statements
// (a migration script) goes through uncached.
bool whole_text(const char* tail, const char* end) {
    for (const char* p = tail; p < end; ++p) {
        if (std::isspace(static_cast<unsigned char>(*p)) == 0) return false;
    }
    return true;
}

void forget_connection(sqlite3* db) {
    auto& c = cache();
    std::vector<Kept> statements;
    {
        std::lock_guard lock(c.mutex);
        const auto it = c.idle.find(db);
        if (it == c.idle.end()) return;
        statements = std::move(it->second);
        c.idle.erase(it);
    }
    for (const auto& kept : statements) real().finalize(kept.statement);
}

}  // namespace

void install() {
    // Fails harmlessly (SQLITE_MISUSE) once SQLite is initialized: the statistics then stay on.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    real();
}

Counts counts() { return {cache().reused.load(), cache().compiled.load()}; }

}  // namespace mercato::kernel::sqlite_statement_cache

using namespace mercato::kernel::sqlite_statement_cache;

extern "C" {

int sqlite3_prepare_v2(sqlite3* db, const char* sql, int bytes, sqlite3_stmt** statement, const char** tail) {
    if (called_by_sqlite(__builtin_return_address(0))) return real().prepare_v2(db, sql, bytes, statement, tail);
    auto& c = cache();
    // A length given counts up to the first NUL at most, as SQLite reads it.
    std::size_t length = 0;
    if (bytes < 0) {
        length = std::strlen(sql);
    } else {
        const void* nul = std::memchr(sql, 0, static_cast<std::size_t>(bytes));
        length = nul == nullptr ? static_cast<std::size_t>(bytes) : static_cast<const char*>(nul) - sql;
    }
    const std::string_view text(sql, length);
    const std::size_t hash = std::hash<std::string_view>{}(text);
    {
        std::lock_guard lock(c.mutex);
        const auto it = c.idle.find(db);
        if (it != c.idle.end()) {
            auto& kept = it->second;
            for (auto k = kept.begin(); k != kept.end(); ++k) {
                if (k->hash != hash || k->sql != text) continue;
                *statement = k->statement;
                c.lent.emplace(k->statement, Lent{hash, std::move(k->sql)});
                kept.erase(k);
                if (tail != nullptr) *tail = sql + length;
                c.reused.fetch_add(1, std::memory_order_relaxed);
                return SQLITE_OK;
            }
        }
    }
    const char* rest = nullptr;
    const int rc = real().prepare_v2(db, sql, bytes, statement, &rest);
    if (tail != nullptr) *tail = rest;
    c.compiled.fetch_add(1, std::memory_order_relaxed);
    if (rc == SQLITE_OK && *statement != nullptr && whole_text(rest, sql + length)) {
        std::lock_guard lock(c.mutex);
        c.lent.emplace(*statement, Lent{hash, std::string(text)});
    }
    return rc;
}

int sqlite3_finalize(sqlite3_stmt* statement) {
    if (statement == nullptr) return SQLITE_OK;
    auto& c = cache();
    Lent lent;
    {
        std::lock_guard lock(c.mutex);
        const auto it = c.lent.find(statement);
        if (it == c.lent.end()) return real().finalize(statement);
        lent = std::move(it->second);
        c.lent.erase(it);
    }
    // What finalize would have said (the last step's error), and a statement as good as a new one.
    const int rc = sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    sqlite3* db = sqlite3_db_handle(statement);
    sqlite3_stmt* dropped = nullptr;
    {
        std::lock_guard lock(c.mutex);
        auto& kept = c.idle[db];
        if (kept.size() >= per_connection) {
            auto oldest = kept.begin();
            for (auto k = kept.begin(); k != kept.end(); ++k) {
                if (k->last_used < oldest->last_used) oldest = k;
            }
            dropped = oldest->statement;
            kept.erase(oldest);
        }
        kept.push_back({lent.hash, std::move(lent.sql), statement, ++c.clock});
    }
    if (dropped != nullptr) real().finalize(dropped);
    return rc;
}

int sqlite3_close(sqlite3* db) {
    forget_connection(db);
    return real().close(db);
}

int sqlite3_close_v2(sqlite3* db) {
    forget_connection(db);
    return real().close_v2(db);
}

}  // extern "C"
