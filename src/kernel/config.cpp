#include "kernel/config.hpp"

#include <charconv>
#include <filesystem>
#include <limits>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "kernel/feature_flags.hpp"

namespace mercato::kernel {

namespace {

using KeyCheck = std::set<std::string, std::less<>>;

void reject_unknown_keys(const toml::table& table, const std::string& section, const KeyCheck& known) {
    for (const auto& [key, value] : table) {
        if (!known.contains(key.str())) {
            throw ConfigError(fmt::format("unknown setting '{}{}'", section.empty() ? "" : section + ".", key.str()));
        }
    }
}

template <class T>
void read(const toml::table& table, std::string_view section, std::string_view key, T& out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    if constexpr (std::is_same_v<T, bool>) {
        if (!node->is_boolean()) throw ConfigError(fmt::format("setting '{}.{}' must be true or false", section, key));
        out = node->value<bool>().value();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!node->is_string()) throw ConfigError(fmt::format("setting '{}.{}' must be a string", section, key));
        out = node->value<std::string>().value();
    } else if constexpr (std::is_same_v<T, double>) {
        auto v = node->value<double>();
        if (!v) throw ConfigError(fmt::format("setting '{}.{}' must be a number", section, key));
        out = *v;
    } else {
        auto v = node->value<std::int64_t>();
        if (!node->is_integer() || !v || *v < 0) {
            throw ConfigError(fmt::format("setting '{}.{}' must be a non-negative integer", section, key));
        }
        if (static_cast<std::uint64_t>(*v) > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
            throw ConfigError(fmt::format("setting '{}.{}' is too large ({})", section, key, *v));
        }
        out = static_cast<T>(*v);
    }
}

const toml::table* section(const toml::table& root, std::string_view name) {
    const toml::node* node = root.get(name);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) throw ConfigError(fmt::format("'{}' must be a table", name));
    return node->as_table();
}

void read_strings(const toml::table& table, std::string_view section, std::string_view key, std::vector<std::string>& out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    const toml::array* items = node->as_array();
    const auto wrong = [&] { return ConfigError(fmt::format("setting '{}.{}' must be an array of strings", section, key)); };
    if (items == nullptr) throw wrong();
    out.clear();
    for (const auto& item : *items) {
        auto text = item.value<std::string>();
        if (!item.is_string() || !text) throw wrong();
        out.push_back(*text);
    }
}

// A list held in one environment variable: "a, b ,,c" -> {"a", "b", "c"}, so stray spaces and
// commas never become items.
std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const std::size_t first = item.find_first_not_of(" \t");
        if (first == std::string_view::npos) continue;
        item = item.substr(first, item.find_last_not_of(" \t") - first + 1);
        items.emplace_back(item);
    }
    return items;
}

void read_database(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "database", {"url", "pool_size", "sqlite_synchronous", "busy_timeout_ms", "group_commit"});
    read(t, "database", "url", cfg.db_url);
    read(t, "database", "pool_size", cfg.db_pool_size);
    read(t, "database", "sqlite_synchronous", cfg.sqlite_synchronous);
    read(t, "database", "busy_timeout_ms", cfg.busy_timeout_ms);
    read(t, "database", "group_commit", cfg.group_commit);
}

void read_server(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "server",
                        {"port", "bind", "io_threads", "workers", "body_limit", "header_timeout_ms",
                         "body_timeout_ms", "idle_timeout_ms", "shutdown_grace_ms", "max_connections", "gzip_min_bytes",
                         "trusted_proxies"});
    read(t, "server", "port", cfg.port);
    read(t, "server", "bind", cfg.bind_address);
    read(t, "server", "io_threads", cfg.io_threads);
    read(t, "server", "workers", cfg.workers);
    read(t, "server", "body_limit", cfg.body_limit);
    read(t, "server", "header_timeout_ms", cfg.header_timeout_ms);
    read(t, "server", "body_timeout_ms", cfg.body_timeout_ms);
    read(t, "server", "idle_timeout_ms", cfg.idle_timeout_ms);
    read(t, "server", "shutdown_grace_ms", cfg.shutdown_grace_ms);
    read(t, "server", "max_connections", cfg.max_connections);
    read(t, "server", "gzip_min_bytes", cfg.gzip_min_bytes);
    read_strings(t, "server", "trusted_proxies", cfg.trusted_proxies);
}

void read_cors(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "cors", {"allowed_origins"});
    read_strings(t, "cors", "allowed_origins", cfg.cors_origins);
}

void read_rate_limit(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "rate_limit", {"enabled", "max_clients", "auth", "write", "read"});
    read(t, "rate_limit", "enabled", cfg.rate_limit_enabled);
    read(t, "rate_limit", "max_clients", cfg.rate_limit_max_clients);
    for (auto& [route_class, policy] : cfg.rate_limits) {
        const toml::node* node = t.get(route_class);
        if (node == nullptr) continue;
        const toml::table* limits = node->as_table();
        const std::string name = "rate_limit." + route_class;
        if (limits == nullptr) throw ConfigError(fmt::format("'{}' must be a table {{ rate, burst }}", name));
        reject_unknown_keys(*limits, name, {"rate", "burst"});
        read(*limits, name, "rate", policy.rate_per_sec);
        read(*limits, name, "burst", policy.burst);
    }
}

void read_bus(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "bus", {"max_attempts", "backoff_initial_ms", "backoff_max_ms", "poll_interval_ms",
                                   "linger_ms", "batch_size", "retention_hours"});
    read(t, "bus", "max_attempts", cfg.bus_max_attempts);
    read(t, "bus", "backoff_initial_ms", cfg.bus_backoff_initial_ms);
    read(t, "bus", "backoff_max_ms", cfg.bus_backoff_max_ms);
    read(t, "bus", "poll_interval_ms", cfg.bus_poll_interval_ms);
    read(t, "bus", "linger_ms", cfg.bus_linger_ms);
    read(t, "bus", "batch_size", cfg.bus_batch_size);
    read(t, "bus", "retention_hours", cfg.bus_retention_hours);
}

void read_catalog(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "catalog", {"reservation_minutes", "sweep_interval_seconds"});
    read(t, "catalog", "reservation_minutes", cfg.catalog_reservation_minutes);
    read(t, "catalog", "sweep_interval_seconds", cfg.catalog_sweep_interval_seconds);
}

void read_orders(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "orders", {"payment_window_minutes", "sweep_interval_seconds"});
    read(t, "orders", "payment_window_minutes", cfg.orders_payment_window_minutes);
    read(t, "orders", "sweep_interval_seconds", cfg.orders_sweep_interval_seconds);
}

void read_notifications(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "notifications",
                        {"language", "templates_dir", "shop_name", "smtp_host", "smtp_port", "smtp_from", "smtp_username",
                         "smtp_password", "smtp_tls", "smtp_timeout_ms", "webhook_urls", "webhook_secret", "max_attempts",
                         "backoff_initial_ms", "backoff_max_ms"});
    read(t, "notifications", "language", cfg.notifications_language);
    read(t, "notifications", "templates_dir", cfg.notifications_templates_dir);
    read(t, "notifications", "shop_name", cfg.notifications_shop_name);
    read(t, "notifications", "smtp_host", cfg.smtp_host);
    read(t, "notifications", "smtp_port", cfg.smtp_port);
    read(t, "notifications", "smtp_from", cfg.smtp_from);
    read(t, "notifications", "smtp_username", cfg.smtp_username);
    read(t, "notifications", "smtp_password", cfg.smtp_password);
    read(t, "notifications", "smtp_tls", cfg.smtp_tls);
    read(t, "notifications", "smtp_timeout_ms", cfg.smtp_timeout_ms);
    read_strings(t, "notifications", "webhook_urls", cfg.notifications_webhook_urls);
    read(t, "notifications", "webhook_secret", cfg.notifications_webhook_secret);
    read(t, "notifications", "max_attempts", cfg.notifications_max_attempts);
    read(t, "notifications", "backoff_initial_ms", cfg.notifications_backoff_initial_ms);
    read(t, "notifications", "backoff_max_ms", cfg.notifications_backoff_max_ms);
}

void read_analytics(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "analytics", {"retention_days"});
    read(t, "analytics", "retention_days", cfg.analytics_retention_days);
}

void read_search(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "search", {"index_dir", "language"});
    read(t, "search", "index_dir", cfg.search_index_dir);
    read(t, "search", "language", cfg.search_language);
}

void read_shipping(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "shipping", {"rates_file", "callback_secrets"});
    read(t, "shipping", "rates_file", cfg.shipping_rates_file);
    read_strings(t, "shipping", "callback_secrets", cfg.shipping_callback_secrets);
}

void read_payments(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "payments", {"provider", "webhook_secrets", "webhook_tolerance_seconds", "sweep_interval_seconds"});
    read(t, "payments", "provider", cfg.payments_provider);
    read_strings(t, "payments", "webhook_secrets", cfg.payments_webhook_secrets);
    read(t, "payments", "webhook_tolerance_seconds", cfg.payments_webhook_tolerance_seconds);
    read(t, "payments", "sweep_interval_seconds", cfg.payments_sweep_interval_seconds);
}

void read_users(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "users", {"password_memory_kib", "password_passes", "token_issuer", "token_audience"});
    read(t, "users", "password_memory_kib", cfg.users_password_memory_kib);
    read(t, "users", "password_passes", cfg.users_password_passes);
    read(t, "users", "token_issuer", cfg.users_token_issuer);
    read(t, "users", "token_audience", cfg.users_token_audience);
}

void read_log(const toml::table& t, Config& cfg) {
    reject_unknown_keys(t, "log", {"level", "format"});
    read(t, "log", "level", cfg.log_level);
    read(t, "log", "format", cfg.log_format);
}

void read_features(const toml::table& t, Config& cfg) {
    for (const auto& [key, node] : t) {
        std::optional<int> percent;
        if (auto b = node.value<bool>(); node.is_boolean() && b) percent = *b ? 100 : 0;
        if (auto s = node.value<std::string>(); node.is_string() && s) percent = FeatureFlags::parse_rule(*s);
        if (!percent) {
            throw ConfigError(fmt::format("feature '{}' must be true, false, \"on\", \"off\" or a percentage like \"25%\"",
                                          key.str()));
        }
        cfg.features[std::string(key.str())] = *percent;
    }
}

}  // namespace

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

void apply_config_file(Config& cfg, const std::string& path) {
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw ConfigError(fmt::format("config file '{}' line {}: {}", path, where.line, e.description()));
    }
    try {
        reject_unknown_keys(root, "", {"database", "server", "cors", "rate_limit", "bus", "users", "catalog", "orders",
                                       "payments", "shipping", "notifications", "analytics", "search", "log", "features"});
        if (const auto* t = section(root, "database")) read_database(*t, cfg);
        if (const auto* t = section(root, "server")) read_server(*t, cfg);
        if (const auto* t = section(root, "cors")) read_cors(*t, cfg);
        if (const auto* t = section(root, "rate_limit")) read_rate_limit(*t, cfg);
        if (const auto* t = section(root, "bus")) read_bus(*t, cfg);
        if (const auto* t = section(root, "users")) read_users(*t, cfg);
        if (const auto* t = section(root, "catalog")) read_catalog(*t, cfg);
        if (const auto* t = section(root, "orders")) read_orders(*t, cfg);
        if (const auto* t = section(root, "payments")) read_payments(*t, cfg);
        if (const auto* t = section(root, "shipping")) read_shipping(*t, cfg);
        if (const auto* t = section(root, "notifications")) read_notifications(*t, cfg);
        if (const auto* t = section(root, "analytics")) read_analytics(*t, cfg);
        if (const auto* t = section(root, "search")) read_search(*t, cfg);
        if (const auto* t = section(root, "log")) read_log(*t, cfg);
        if (const auto* t = section(root, "features")) read_features(*t, cfg);
    } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("config file '{}': {}", path, e.what()));
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
    auto env = [&](const char* name) -> std::optional<std::string> {
        const char* v = getenv(name);
        if (v == nullptr || *v == '\0') return std::nullopt;
        return std::string(v);
    };
    if (auto v = env("MERCATO_DB")) cfg.db_url = *v;
    if (auto v = env("MERCATO_PORT")) cfg.port = parse_port(*v, "MERCATO_PORT");
    if (auto v = env("MERCATO_LOG_LEVEL")) cfg.log_level = *v;
    if (auto v = env("MERCATO_LOG_FORMAT")) cfg.log_format = *v;
    if (auto v = env("MERCATO_PAYMENTS_WEBHOOK_SECRETS")) cfg.payments_webhook_secrets = split_list(*v);
    if (auto v = env("MERCATO_SHIPPING_CALLBACK_SECRETS")) cfg.shipping_callback_secrets = split_list(*v);
    if (auto v = env("MERCATO_SMTP_PASSWORD")) cfg.smtp_password = *v;
    if (auto v = env("MERCATO_NOTIFICATIONS_WEBHOOK_SECRET")) cfg.notifications_webhook_secret = *v;
    if (auto v = env("MERCATO_SEARCH_INDEX_DIR")) cfg.search_index_dir = *v;
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
    // libsodium's floor is 8 KiB; production wants OWASP's 19 MiB, tests may go lower to stay fast.
    if (cfg.users_password_memory_kib < 8) throw ConfigError("users.password_memory_kib must be at least 8");
    if (cfg.users_password_passes < 1) throw ConfigError("users.password_passes must be at least 1");
    if (cfg.catalog_reservation_minutes < 1) throw ConfigError("catalog.reservation_minutes must be at least 1");
    if (cfg.catalog_sweep_interval_seconds < 1) throw ConfigError("catalog.sweep_interval_seconds must be at least 1");
    if (cfg.orders_payment_window_minutes < 1) throw ConfigError("orders.payment_window_minutes must be at least 1");
    if (cfg.orders_sweep_interval_seconds < 1) throw ConfigError("orders.sweep_interval_seconds must be at least 1");
    if (cfg.payments_provider.empty()) throw ConfigError("payments.provider must not be empty");
    if (cfg.payments_webhook_tolerance_seconds < 1 || cfg.payments_webhook_tolerance_seconds > 3600) {
        throw ConfigError("payments.webhook_tolerance_seconds must be from 1 to 3600");
    }
    if (cfg.payments_sweep_interval_seconds < 1) throw ConfigError("payments.sweep_interval_seconds must be at least 1");
    for (const auto& secret : cfg.payments_webhook_secrets) {
        if (secret.size() < 16) throw ConfigError("payments.webhook_secrets: each secret must be at least 16 characters");
    }
    if (cfg.notifications_language.empty()) throw ConfigError("notifications.language must not be empty");
    if (cfg.analytics_retention_days < 1) throw ConfigError("analytics.retention_days must be at least 1");
    if (cfg.search_language.empty()) throw ConfigError("search.language must name a language, or be \"none\"");
    if (cfg.smtp_tls != "off" && cfg.smtp_tls != "starttls" && cfg.smtp_tls != "tls") {
        throw ConfigError(fmt::format("notifications.smtp_tls '{}' is not off, starttls or tls", cfg.smtp_tls));
    }
    if (cfg.smtp_port < 1 || cfg.smtp_port > 65535) throw ConfigError("notifications.smtp_port must be 1 to 65535");
    if (!cfg.smtp_host.empty() && cfg.smtp_from.empty()) {
        throw ConfigError("notifications.smtp_from must name the sender when notifications.smtp_host is set");
    }
    if (cfg.smtp_timeout_ms < 100) throw ConfigError("notifications.smtp_timeout_ms must be at least 100");
    if (!cfg.notifications_webhook_urls.empty() && cfg.notifications_webhook_secret.size() < 16) {
        throw ConfigError("notifications.webhook_secret must be at least 16 characters when webhook_urls are set");
    }
    if (cfg.notifications_max_attempts < 1 || cfg.notifications_max_attempts > 20) {
        throw ConfigError("notifications.max_attempts must be 1 to 20");
    }
    if (cfg.notifications_backoff_initial_ms < 10 || cfg.notifications_backoff_max_ms < cfg.notifications_backoff_initial_ms) {
        throw ConfigError("notifications.backoff_initial_ms must be at least 10 and no more than notifications.backoff_max_ms");
    }
    for (const auto& secret : cfg.shipping_callback_secrets) {
        if (secret.size() < 16) throw ConfigError("shipping.callback_secrets: each secret must be at least 16 characters");
    }
    if (cfg.users_token_issuer.empty() || cfg.users_token_audience.empty()) {
        throw ConfigError("users.token_issuer and users.token_audience must not be empty");
    }
    for (const auto& [name, policy] : cfg.rate_limits) {
        if (policy.rate_per_sec <= 0 || policy.burst < 1) {
            throw ConfigError(fmt::format("rate_limit.{} needs rate > 0 and burst >= 1", name));
        }
    }
}

}  // namespace mercato::kernel
