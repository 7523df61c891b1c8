#include "kernel/config.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "kernel/feature_flags.hpp"

namespace mercato::kernel {

namespace {

void read_database(const SettingsSection& s, Config& cfg) {
    s.allow_keys({"url", "pool_size", "sqlite_synchronous", "busy_timeout_ms", "group_commit"});
    s.read("url", cfg.db_url);
    s.read("pool_size", cfg.db_pool_size);
    s.read("sqlite_synchronous", cfg.sqlite_synchronous);
    s.read("busy_timeout_ms", cfg.busy_timeout_ms);
    s.read("group_commit", cfg.group_commit);
}

void read_server(const SettingsSection& s, Config& cfg) {
    s.allow_keys({"port", "bind", "io_threads", "workers", "write_workers", "body_limit", "header_timeout_ms", "body_timeout_ms",
                  "idle_timeout_ms", "shutdown_grace_ms", "max_connections", "gzip_min_bytes", "trusted_proxies"});
    s.read("port", cfg.port);
    s.read("bind", cfg.bind_address);
    s.read("io_threads", cfg.io_threads);
    s.read("workers", cfg.workers);
    s.read("write_workers", cfg.write_workers);
    s.read("body_limit", cfg.body_limit);
    s.read("header_timeout_ms", cfg.header_timeout_ms);
    s.read("body_timeout_ms", cfg.body_timeout_ms);
    s.read("idle_timeout_ms", cfg.idle_timeout_ms);
    s.read("shutdown_grace_ms", cfg.shutdown_grace_ms);
    s.read("max_connections", cfg.max_connections);
    s.read("gzip_min_bytes", cfg.gzip_min_bytes);
    s.read_strings("trusted_proxies", cfg.trusted_proxies);
}

void read_cors(const SettingsSection& s, Config& cfg) {
    s.allow_keys({"allowed_origins"});
    s.read_strings("allowed_origins", cfg.cors_origins);
}

void read_rate_limit(const SettingsSection& s, Config& cfg) {
    s.allow_keys({"enabled", "max_clients", "auth", "write", "read"});
    s.read("enabled", cfg.rate_limit_enabled);
    s.read("max_clients", cfg.rate_limit_max_clients);
    for (auto& [route_class, policy] : cfg.rate_limits) {
        const auto limits = s.table(route_class, "{ rate, burst }");
        if (!limits) continue;
        limits->allow_keys({"rate", "burst"});
        limits->read("rate", policy.rate_per_sec);
        limits->read("burst", policy.burst);
    }
}

void read_bus(const SettingsSection& s, Config& cfg) {
    s.allow_keys({"max_attempts", "backoff_initial_ms", "backoff_max_ms", "poll_interval_ms", "linger_ms", "batch_size",
                  "retention_hours"});
    s.read("max_attempts", cfg.bus_max_attempts);
    s.read("backoff_initial_ms", cfg.bus_backoff_initial_ms);
    s.read("backoff_max_ms", cfg.bus_backoff_max_ms);
    s.read("poll_interval_ms", cfg.bus_poll_interval_ms);
    s.read("linger_ms", cfg.bus_linger_ms);
    s.read("batch_size", cfg.bus_batch_size);
    s.read("retention_hours", cfg.bus_retention_hours);
}

void read_log(const SettingsSection& s, Config& cfg) {
    s.allow_keys({"level", "format"});
    s.read("level", cfg.log_level);
    s.read("format", cfg.log_format);
}

void read_features(const SettingsSection& s, Config& cfg) {
    for (const auto& flag : s.keys()) {
        const auto rule = s.text(flag);
        const std::optional<int> percent = rule ? FeatureFlags::parse_rule(*rule) : std::nullopt;
        if (!percent) {
            throw s.error(fmt::format("feature '{}' must be true, false, \"on\", \"off\" or a percentage like \"25%\"", flag));
        }
        cfg.features[flag] = *percent;
    }
}

using SectionReader = void (*)(const SettingsSection&, Config&);

// The sections that are the kernel's own; every other one belongs to a module.
const std::map<std::string, SectionReader, std::less<>>& kernel_sections() {
    static const std::map<std::string, SectionReader, std::less<>> readers = {
        {"database", read_database}, {"server", read_server}, {"cors", read_cors}, {"rate_limit", read_rate_limit},
        {"bus", read_bus},           {"log", read_log},       {"features", read_features},
    };
    return readers;
}

}  // namespace

SettingsSection Config::section(std::string_view name) const {
    const auto found = module_sections.find(name);
    if (found == module_sections.end()) return SettingsSection(std::string(name)).with_environment(environment);
    return found->second.with_environment(environment);
}

SettingsSection& Config::edit_section(std::string_view name) {
    const auto found = module_sections.find(name);
    if (found != module_sections.end()) return found->second;
    return module_sections.emplace(std::string(name), SettingsSection(std::string(name))).first->second;
}

std::optional<std::string> choose_config_file(const std::optional<std::string>& flag_path, const Getenv& getenv) {
    std::optional<std::string> path = flag_path;
    if (!path) {
        if (const char* env = getenv("MERCATO_CONFIG"); env != nullptr && *env != '\0') path = env;
    }
    if (path) {
        std::ifstream probe(*path);
        if (!probe) throw ConfigError(fmt::format("cannot read config file '{}'", *path));
        return path;
    }
    if (std::filesystem::exists("config/mercato.toml")) return "config/mercato.toml";
    return std::nullopt;
}

void apply_config_file(Config& cfg, const std::string& path, const std::set<std::string, std::less<>>& module_sections) {
    std::set<std::string, std::less<>> names = module_sections;
    for (const auto& [name, reader] : kernel_sections()) names.insert(name);
    for (auto& [name, section] : read_settings_file(path, names)) {
        const auto kernel = kernel_sections().find(name);
        if (kernel != kernel_sections().end()) {
            kernel->second(section, cfg);
        } else {
            cfg.module_sections.insert_or_assign(name, std::move(section));
        }
    }
    cfg.config_file = path;
}

int parse_port(const std::string& text, const std::string& source) {
    int port = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size() || port < 0 || port > 65535) {
        throw ConfigError(fmt::format("{}: '{}' is not a port number (0-65535)", source, text));
    }
    return port;
}

void apply_environment(Config& cfg, const Getenv& getenv) {
    if (auto v = env_value(getenv, "MERCATO_DB")) cfg.db_url = *v;
    if (auto v = env_value(getenv, "MERCATO_PORT")) cfg.port = parse_port(*v, "MERCATO_PORT");
    if (auto v = env_value(getenv, "MERCATO_LOG_LEVEL")) cfg.log_level = *v;
    if (auto v = env_value(getenv, "MERCATO_LOG_FORMAT")) cfg.log_format = *v;
    cfg.environment = getenv;
}

void validate(const Config& cfg) {
    static const std::set<std::string, std::less<>> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!levels.contains(cfg.log_level)) {
        throw ConfigError(fmt::format("log level '{}' is not one of trace, debug, info, warn, error, critical, off",
                                      cfg.log_level));
    }
    if (cfg.log_format != "text" && cfg.log_format != "json") {
        throw ConfigError(fmt::format("log format '{}' is not text or json", cfg.log_format));
    }
    if (cfg.sqlite_synchronous != "full" && cfg.sqlite_synchronous != "normal" && cfg.sqlite_synchronous != "extra") {
        throw ConfigError(fmt::format("database.sqlite_synchronous '{}' is not full, extra or normal",
                                      cfg.sqlite_synchronous));
    }
    if (cfg.port < 0 || cfg.port > 65535) throw ConfigError(fmt::format("port {} is out of range", cfg.port));
    if (cfg.db_pool_size == 0) throw ConfigError("database.pool_size must be at least 1");
    if (cfg.workers < 1) throw ConfigError("server.workers must be at least 1");
    if (cfg.write_workers < 1) throw ConfigError("server.write_workers must be at least 1");
    if (cfg.body_limit == 0) throw ConfigError("server.body_limit must be at least 1 byte");
    if (cfg.max_connections == 0) throw ConfigError("server.max_connections must be at least 1");
    for (const auto& [name, ms] : {std::pair{"header_timeout_ms", cfg.header_timeout_ms}, std::pair{"body_timeout_ms", cfg.body_timeout_ms},
                                   std::pair{"idle_timeout_ms", cfg.idle_timeout_ms}}) {
        if (ms < 100) throw ConfigError(fmt::format("server.{} must be at least 100 ms", name));
    }
    if (cfg.bus_max_attempts < 1) throw ConfigError("bus.max_attempts must be at least 1");
    if (cfg.bus_backoff_initial_ms < 1 || cfg.bus_backoff_max_ms < cfg.bus_backoff_initial_ms) {
        throw ConfigError("bus.backoff_initial_ms must be at least 1 and no more than bus.backoff_max_ms");
    }
    if (cfg.bus_poll_interval_ms < 10) throw ConfigError("bus.poll_interval_ms must be at least 10 ms");
    if (cfg.bus_linger_ms < 0 || cfg.bus_linger_ms > 1000) throw ConfigError("bus.linger_ms must be from 0 to 1000");
    if (cfg.bus_batch_size < 1 || cfg.bus_batch_size > 10'000) throw ConfigError("bus.batch_size must be 1 to 10000");
    if (cfg.bus_retention_hours < 1) throw ConfigError("bus.retention_hours must be at least 1");
    for (const auto& [name, policy] : cfg.rate_limits) {
        if (policy.rate_per_sec <= 0 || policy.burst < 1) {
            throw ConfigError(fmt::format("rate_limit.{} needs rate > 0 and burst >= 1", name));
        }
    }
}

}  // namespace mercato::kernel
