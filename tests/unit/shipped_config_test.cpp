// The configuration file shipped in config/ must parse and document the built-in defaults truthfully.
#include <doctest/doctest.h>

#include "app/module_settings.hpp"
#include "kernel/config.hpp"
#include "support/test_paths.hpp"

using mercato::kernel::Config;
using mercato::app::read_module_settings;

TEST_CASE("the shipped config/mercato.toml parses and states exactly the built-in defaults") {
    Config from_file;
    mercato::kernel::apply_config_file(from_file, (mercato::test::source_dir() / "config/mercato.toml").string(),
                                       mercato::app::module_sections());
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
    CHECK(from_file.write_workers == defaults.write_workers);
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
    CHECK(from_file.bus_linger_ms == defaults.bus_linger_ms);
    CHECK(from_file.log_level == defaults.log_level);
    CHECK(from_file.log_format == defaults.log_format);
    CHECK(from_file.features.empty());
}

TEST_CASE("the shipped config/mercato.toml states exactly the defaults of every module's settings") {
    Config with_file;
    mercato::kernel::apply_config_file(with_file, (mercato::test::source_dir() / "config/mercato.toml").string(),
                                       mercato::app::module_sections());
    const auto from_file = read_module_settings(with_file);
    const auto defaults = read_module_settings(Config{});
    CHECK(from_file.users.password_memory_bytes == defaults.users.password_memory_bytes);
    CHECK(from_file.users.password_passes == defaults.users.password_passes);
    CHECK(from_file.users.token_issuer == defaults.users.token_issuer);
    CHECK(from_file.users.token_audience == defaults.users.token_audience);
    CHECK(from_file.catalog.reservation_ttl == defaults.catalog.reservation_ttl);
    CHECK(from_file.catalog.sweep_interval == defaults.catalog.sweep_interval);
    CHECK(from_file.orders.payment_window == defaults.orders.payment_window);
    CHECK(from_file.orders.sweep_interval == defaults.orders.sweep_interval);
    CHECK(from_file.payments.provider == defaults.payments.provider);
    CHECK(from_file.payments.webhook_secrets == defaults.payments.webhook_secrets);
    CHECK(from_file.payments.webhook_tolerance == defaults.payments.webhook_tolerance);
    CHECK(from_file.payments.sweep_interval == defaults.payments.sweep_interval);
    CHECK(from_file.shipping.rates_file == defaults.shipping.rates_file);
    CHECK(from_file.shipping.callback_secrets == defaults.shipping.callback_secrets);
    const auto& notify = from_file.notifications;
    const auto& notify_defaults = defaults.notifications;
    CHECK(notify.notifications.language == notify_defaults.notifications.language);
    CHECK(notify.notifications.templates_dir == notify_defaults.notifications.templates_dir);
    CHECK(notify.notifications.shop_name == notify_defaults.notifications.shop_name);
    CHECK(notify.smtp.host == notify_defaults.smtp.host);
    CHECK(notify.smtp.port == notify_defaults.smtp.port);
    CHECK(notify.smtp.from == notify_defaults.smtp.from);
    CHECK(notify.smtp.tls == notify_defaults.smtp.tls);
    CHECK(notify.smtp.timeout_ms == notify_defaults.smtp.timeout_ms);
    CHECK(notify.webhook.urls == notify_defaults.webhook.urls);
    CHECK(notify.notifications.max_attempts == notify_defaults.notifications.max_attempts);
    CHECK(notify.notifications.backoff_initial == notify_defaults.notifications.backoff_initial);
    CHECK(notify.notifications.backoff_max == notify_defaults.notifications.backoff_max);
    CHECK(from_file.analytics.retention == defaults.analytics.retention);
    CHECK(from_file.search.index_dir == defaults.search.index_dir);
    CHECK(from_file.search.language == defaults.search.language);
}
