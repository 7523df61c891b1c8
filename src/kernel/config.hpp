// Settings for one server process: built-in defaults, then config file, then MERCATO_* environment, then flags.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mercato::kernel {

// A setting that cannot be used; the command line turns it into a one-line error and exit code 2.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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
    int workers = 8;      // threads that run handlers and database calls
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

    // The users module: Argon2id costs of a password hash, and who access tokens are from and for.
    std::size_t users_password_memory_kib = 19 * 1024;
    int users_password_passes = 2;
    std::string users_token_issuer = "mercato";
    std::string users_token_audience = "mercato-api";
    // The catalog module: how long a stock reservation an order holds lasts unpaid, and how often
    // expired ones are looked for.
    int catalog_reservation_minutes = 15;
    int catalog_sweep_interval_seconds = 30;
    // The orders module: how long a placed order waits for payment before it is cancelled.
    int orders_payment_window_minutes = 30;
    int orders_sweep_interval_seconds = 30;
    // The payments module: the provider cards and bank transfers go through ("sandbox" is the built-in
    // one that takes no money), the secrets that sign its callbacks (Mercato-Signature; several during
    // a rotation, none refuses every webhook), how old a callback's signature may be, and how often
    // interrupted card attempts and unsettled refunds are looked for.
    std::string payments_provider = "sandbox";
    std::vector<std::string> payments_webhook_secrets;
    int payments_webhook_tolerance_seconds = 300;
    int payments_sweep_interval_seconds = 60;
    // The shipping module: a rate table file instead of the built-in one (config/shipping_rates.toml),
    // and the secrets that sign carriers' tracking callbacks (several during a rotation; none refuses them).
    std::string shipping_rates_file;
    std::vector<std::string> shipping_callback_secrets;
    // The notifications module: the templates' language and folder ("" for the built-in ones), the
    // shop's name in messages, the SMTP server (no host: emails are written to the log instead), the
    // shop's webhook endpoints and their signing secret, and how failed deliveries are retried.
    std::string notifications_language = "en";
    std::string notifications_templates_dir;
    std::string notifications_shop_name = "Mercato";
    std::string smtp_host;
    int smtp_port = 587;
    std::string smtp_from;
    std::string smtp_username;
    std::string smtp_password;
    std::string smtp_tls = "starttls";  // off | starttls | tls
    int smtp_timeout_ms = 10'000;
    std::vector<std::string> notifications_webhook_urls;
    std::string notifications_webhook_secret;
    int notifications_max_attempts = 6;
    int notifications_backoff_initial_ms = 2'000;
    int notifications_backoff_max_ms = 300'000;
    // The analytics module: how many days raw events are kept (rollups, which reports read, stay).
    int analytics_retention_days = 90;
    // The search module's index: its folder ("": beside the SQLite files on SQLite, a temporary one,
    // rebuilt at every start, on PostgreSQL) and the language whose word forms it folds ("none": no stemming).
    std::string search_index_dir;
    std::string search_language = "english";

    std::string log_level = "info";
    std::string log_format = "text";

    std::map<std::string, int, std::less<>> features;  // flag -> percent of subjects (0..100)

    std::string config_file;  // the file that was read; empty when none
};

using Getenv = std::function<const char*(const char*)>;

// Picks the config file: an explicit path (flag or MERCATO_CONFIG) must be readable;
// otherwise config/mercato.toml is used when present.
std::optional<std::string> choose_config_file(const std::optional<std::string>& flag_path, const Getenv& getenv);

// Overlays a TOML file onto cfg. Unknown keys and wrong types are errors, so typos are never silently ignored.
void apply_config_file(Config& cfg, const std::string& path);

// Overlays MERCATO_DB, MERCATO_PORT, MERCATO_LOG_LEVEL, MERCATO_LOG_FORMAT,
// MERCATO_PAYMENTS_WEBHOOK_SECRETS and MERCATO_SHIPPING_CALLBACK_SECRETS (comma-separated, replacing
// the file's list), MERCATO_SMTP_PASSWORD and MERCATO_NOTIFICATIONS_WEBHOOK_SECRET, so secrets need
// not sit in a file.
void apply_environment(Config& cfg, const Getenv& getenv);

// Checks cross-field rules and value ranges once all sources are applied.
void validate(const Config& cfg);

int parse_port(const std::string& text, const std::string& source);

}  // namespace mercato::kernel
