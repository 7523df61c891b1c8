// The configuration file shipped in config/ must parse and document the built-in defaults truthfully.
#include <doctest/doctest.h>

#include "kernel/config.hpp"
#include "support/test_paths.hpp"

using mercato::kernel::Config;

TEST_CASE("the shipped config/mercato.toml parses and states exactly the built-in defaults") {
    Config from_file;
    mercato::kernel::apply_config_file(from_file, (mercato::test::source_dir() / "config/mercato.toml").string());
    const Config defaults;
    CHECK(from_file.db_url == defaults.db_url);
    CHECK(from_file.db_pool_size == defaults.db_pool_size);
    CHECK(from_file.sqlite_synchronous == defaults.sqlite_synchronous);
    CHECK(from_file.busy_timeout_ms == defaults.busy_timeout_ms);
    CHECK(from_file.group_commit == defaults.group_commit);
    CHECK(from_file.port == defaults.port);
    CHECK(from_file.bind_address == defaults.bind_address);
    CHECK(from_file.io_threads == defaults.io_threads);
    CHECK(from_file.workers == defaults.workers);
    CHECK(from_file.body_limit == defaults.body_limit);
    CHECK(from_file.header_timeout_ms == defaults.header_timeout_ms);
    CHECK(from_file.body_timeout_ms == defaults.body_timeout_ms);
    CHECK(from_file.idle_timeout_ms == defaults.idle_timeout_ms);
    CHECK(from_file.shutdown_grace_ms == defaults.shutdown_grace_ms);
    CHECK(from_file.max_connections == defaults.max_connections);
    CHECK(from_file.gzip_min_bytes == defaults.gzip_min_bytes);
    CHECK(from_file.cors_origins == defaults.cors_origins);
    CHECK(from_file.trusted_proxies == defaults.trusted_proxies);
    CHECK(from_file.rate_limit_enabled == defaults.rate_limit_enabled);
    CHECK(from_file.rate_limit_max_clients == defaults.rate_limit_max_clients);
    for (const auto& [name, policy] : defaults.rate_limits) {
        INFO(name);
        CHECK(from_file.rate_limits.at(name).rate_per_sec == policy.rate_per_sec);
        CHECK(from_file.rate_limits.at(name).burst == policy.burst);
    }
    CHECK(from_file.bus_max_attempts == defaults.bus_max_attempts);
    CHECK(from_file.bus_backoff_initial_ms == defaults.bus_backoff_initial_ms);
    CHECK(from_file.bus_backoff_max_ms == defaults.bus_backoff_max_ms);
    CHECK(from_file.bus_poll_interval_ms == defaults.bus_poll_interval_ms);
    CHECK(from_file.bus_batch_size == defaults.bus_batch_size);
    CHECK(from_file.bus_retention_hours == defaults.bus_retention_hours);
    CHECK(from_file.users_password_memory_kib == defaults.users_password_memory_kib);
    CHECK(from_file.users_password_passes == defaults.users_password_passes);
    CHECK(from_file.users_token_issuer == defaults.users_token_issuer);
    CHECK(from_file.users_token_audience == defaults.users_token_audience);
    CHECK(from_file.bus_linger_ms == defaults.bus_linger_ms);
    CHECK(from_file.catalog_reservation_minutes == defaults.catalog_reservation_minutes);
    CHECK(from_file.catalog_sweep_interval_seconds == defaults.catalog_sweep_interval_seconds);
    CHECK(from_file.orders_payment_window_minutes == defaults.orders_payment_window_minutes);
    CHECK(from_file.orders_sweep_interval_seconds == defaults.orders_sweep_interval_seconds);
    CHECK(from_file.payments_provider == defaults.payments_provider);
    CHECK(from_file.payments_webhook_secrets == defaults.payments_webhook_secrets);
    CHECK(from_file.payments_webhook_tolerance_seconds == defaults.payments_webhook_tolerance_seconds);
    CHECK(from_file.payments_sweep_interval_seconds == defaults.payments_sweep_interval_seconds);
    CHECK(from_file.shipping_rates_file == defaults.shipping_rates_file);
    CHECK(from_file.shipping_callback_secrets == defaults.shipping_callback_secrets);
    CHECK(from_file.notifications_language == defaults.notifications_language);
    CHECK(from_file.notifications_templates_dir == defaults.notifications_templates_dir);
    CHECK(from_file.notifications_shop_name == defaults.notifications_shop_name);
    CHECK(from_file.smtp_host == defaults.smtp_host);
    CHECK(from_file.smtp_port == defaults.smtp_port);
    CHECK(from_file.smtp_from == defaults.smtp_from);
    CHECK(from_file.smtp_tls == defaults.smtp_tls);
    CHECK(from_file.smtp_timeout_ms == defaults.smtp_timeout_ms);
    CHECK(from_file.notifications_webhook_urls == defaults.notifications_webhook_urls);
    CHECK(from_file.notifications_max_attempts == defaults.notifications_max_attempts);
    CHECK(from_file.notifications_backoff_initial_ms == defaults.notifications_backoff_initial_ms);
    CHECK(from_file.notifications_backoff_max_ms == defaults.notifications_backoff_max_ms);
    CHECK(from_file.analytics_retention_days == defaults.analytics_retention_days);
    CHECK(from_file.search_index_dir == defaults.search_index_dir);
    CHECK(from_file.search_language == defaults.search_language);
    CHECK(from_file.log_level == defaults.log_level);
    CHECK(from_file.log_format == defaults.log_format);
    CHECK(from_file.features.empty());
}
