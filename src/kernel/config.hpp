// Settings for one server process: built-in defaults, then config file, then MERCATO_* environment, then flags.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/settings_section.hpp"

namespace mercato::kernel {

struct RatePolicy {
    double rate_per_sec;
    double burst;
};

struct Config {
    std::string db_url = "sqlite:./data";
    std::size_t db_pool_size = 8;
    std::string sqlite_synchronous = "full";
    int busy_timeout_ms = 5000;
    bool group_commit = true;

    int port = 8080;
    std::string bind_address = "127.0.0.1";
    int io_threads = 0;   // 0: one per core
    int workers = 8;        // threads that run the handlers of reads (GET, HEAD) and their database calls
    int write_workers = 8;  // threads for requests that change data, apart so a burst of them never stalls reads
    std::size_t body_limit = 1024 * 1024;
    int header_timeout_ms = 10'000;
    int body_timeout_ms = 30'000;
    int idle_timeout_ms = 60'000;
    int shutdown_grace_ms = 10'000;
    std::size_t max_connections = 10'000;  // client connections open at once; more are answered 503 and closed
    std::size_t gzip_min_bytes = 1024;
    std::vector<std::string> cors_origins;  // empty: no CORS headers; "*": any origin
    // Load balancers whose X-Forwarded-For is believed: behind them, the client is the last
    // address in that header that is not itself a trusted proxy.
    std::vector<std::string> trusted_proxies;

    bool rate_limit_enabled = true;
    std::size_t rate_limit_max_clients = 100'000;
    // Route classes: auth (login, register, reset), write, read. Operations routes are never limited.
    std::map<std::string, RatePolicy, std::less<>> rate_limits = {
        {"auth", {0.5, 10}},
        {"write", {10, 40}},
        {"read", {50, 200}},
    };

    // The event bus: tries before a failing event is dead-lettered, the backoff between them, the
    // polling safety net behind wake-ups, events per consumer transaction, and how long log rows
    // that every group has passed are kept.
    int bus_max_attempts = 8;
    int bus_backoff_initial_ms = 200;
    int bus_backoff_max_ms = 30'000;
    int bus_poll_interval_ms = 1'000;
    int bus_linger_ms = 0;
    std::size_t bus_batch_size = 500;
    int bus_retention_hours = 168;

    std::string log_level = "info";
    std::string log_format = "text";

    std::map<std::string, int, std::less<>> features;  // flag -> percent of subjects (0..100)

    std::string config_file;  // the file that was read; empty when none

    // The sections the modules own, as the file gave them: each module reads and checks its own, so the
    // kernel knows none of their settings.
    std::map<std::string, SettingsSection, std::less<>> module_sections;
    Getenv environment;  // where module sections read their MERCATO_* variables; none by default

    // A module's section as configured (empty when absent), reading the environment applied.
    SettingsSection section(std::string_view name) const;
    // A module's section to set values in, as a file would (tests, tools); made empty when absent.
    SettingsSection& edit_section(std::string_view name);
};

// Picks the config file: an explicit path (flag or MERCATO_CONFIG) must be readable;
// otherwise config/mercato.toml is used when present.
std::optional<std::string> choose_config_file(const std::optional<std::string>& flag_path, const Getenv& getenv);

// Overlays a TOML file onto cfg: the kernel's sections are read here, module_sections are kept for
// their modules, and any other section is an error. Unknown keys and wrong types are errors, so typos
// are never silently ignored.
void apply_config_file(Config& cfg, const std::string& path, const std::set<std::string, std::less<>>& module_sections);

// Overlays MERCATO_DB, MERCATO_PORT, MERCATO_LOG_LEVEL and MERCATO_LOG_FORMAT, and keeps getenv for the
// modules' own variables (their secrets, so those need not sit in a file).
void apply_environment(Config& cfg, const Getenv& getenv);

// Checks the kernel's cross-field rules and value ranges once all sources are applied (each module
// checks its own section as it reads it).
void validate(const Config& cfg);

int parse_port(const std::string& text, const std::string& source);

}  // namespace mercato::kernel
