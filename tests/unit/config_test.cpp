// Tests the configuration: kernel/config.hpp (the TOML file, MERCATO_* environment overrides, config
// file choice and validation) and each module's section, read and checked by the module's own reader.
#include "kernel/config.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/module_settings.hpp"
#include "support/test_paths.hpp"

using mercato::kernel::Config;
using mercato::kernel::ConfigError;
using mercato::kernel::Getenv;
using mercato::kernel::apply_config_file;
using mercato::kernel::apply_environment;
using mercato::kernel::choose_config_file;
using mercato::kernel::validate;
using mercato::app::module_sections;
using mercato::app::read_module_settings;
using mercato::test::TempDir;
using namespace std::chrono_literals;

namespace {

std::string write_file(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    REQUIRE(out.good());
    return path.string();
}

// Applies text as a config file on top of the defaults.
Config load(std::string_view text) {
    TempDir dir;
    const std::string path = write_file(dir.path() / "mercato.toml", text);
    Config cfg;
    apply_config_file(cfg, path, module_sections());
    return cfg;
}

// The ConfigError message the kernel or a module's reader gives for text, or "" when both accept it.
std::string load_error(std::string_view text) {
    try {
        read_module_settings(load(text));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

Getenv fake_env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

// Runs a test from inside another folder and returns to the original one afterwards.
class WorkingDirectory {
public:
    explicit WorkingDirectory(const std::filesystem::path& dir) : previous_(std::filesystem::current_path()) {
        std::filesystem::current_path(dir);
    }
    ~WorkingDirectory() {
        std::error_code ignored;
        std::filesystem::current_path(previous_, ignored);
    }
    WorkingDirectory(const WorkingDirectory&) = delete;
    WorkingDirectory& operator=(const WorkingDirectory&) = delete;

private:
    std::filesystem::path previous_;
};

}  // namespace

TEST_CASE("a config file sets every setting of every section") {
    const Config cfg = load(R"(
[database]
url = "postgresql://mercato@db/mercato"
pool_size = 16
sqlite_synchronous = "normal"
busy_timeout_ms = 2500

[server]
port = 9090
bind = "0.0.0.0"
io_threads = 2
workers = 12
body_limit = 2048
header_timeout_ms = 1000
body_timeout_ms = 2000
idle_timeout_ms = 3000
shutdown_grace_ms = 4000
max_connections = 300
gzip_min_bytes = 512

[cors]
allowed_origins = ["https://shop.example", "https://admin.example"]

[rate_limit]
enabled = false
max_clients = 500
auth = { rate = 0.25, burst = 3 }
write = { rate = 5, burst = 20 }
read = { rate = 100.5, burst = 400 }

[bus]
max_attempts = 5
backoff_initial_ms = 50
backoff_max_ms = 5000
poll_interval_ms = 250
linger_ms = 3
batch_size = 100
retention_hours = 24

[users]
password_memory_kib = 65536
password_passes = 3
token_issuer = "https://shop.example"
token_audience = "shop-api"

[catalog]
reservation_minutes = 30
sweep_interval_seconds = 5

[orders]
payment_window_minutes = 45
sweep_interval_seconds = 7

[payments]
provider = "acquirer"
webhook_secrets = ["old-secret-0123456789", "new-secret-0123456789"]
webhook_tolerance_seconds = 120
sweep_interval_seconds = 15

[shipping]
rates_file = "/etc/mercato/rates.toml"
callback_secrets = ["carrier-secret-0123456789"]

[notifications]
language = "de"
templates_dir = "/etc/mercato/templates"
shop_name = "Kaffeehaus"
smtp_host = "mail.example.com"
smtp_port = 465
smtp_from = "Kaffeehaus <shop@example.com>"
smtp_username = "shop"
smtp_password = "hunter2-hunter2"
smtp_tls = "tls"
smtp_timeout_ms = 5000
webhook_urls = ["https://hooks.example.com/mercato"]
webhook_secret = "notify-secret-0123456789"
max_attempts = 4
backoff_initial_ms = 500
backoff_max_ms = 60000

[analytics]
retention_days = 30

[search]
index_dir = "/var/lib/mercato/search"
language = "german"

[log]
level = "debug"
format = "json"

[features]
new_checkout = "25%"
)");

    CHECK(cfg.db_url == "postgresql://mercato@db/mercato");
    CHECK(cfg.db_pool_size == 16);
    CHECK(cfg.sqlite_synchronous == "normal");
    CHECK(cfg.busy_timeout_ms == 2500);

    CHECK(cfg.port == 9090);
    CHECK(cfg.bind_address == "0.0.0.0");
    CHECK(cfg.io_threads == 2);
    CHECK(cfg.workers == 12);
    CHECK(cfg.body_limit == 2048);
    CHECK(cfg.header_timeout_ms == 1000);
    CHECK(cfg.body_timeout_ms == 2000);
    CHECK(cfg.idle_timeout_ms == 3000);
    CHECK(cfg.shutdown_grace_ms == 4000);
    CHECK(cfg.max_connections == 300);
    CHECK(cfg.gzip_min_bytes == 512);

    CHECK(cfg.cors_origins == std::vector<std::string>{"https://shop.example", "https://admin.example"});

    CHECK_FALSE(cfg.rate_limit_enabled);
    CHECK(cfg.rate_limit_max_clients == 500);
    CHECK(cfg.rate_limits.at("auth").rate_per_sec == doctest::Approx(0.25));
    CHECK(cfg.rate_limits.at("auth").burst == doctest::Approx(3));
    CHECK(cfg.rate_limits.at("write").rate_per_sec == doctest::Approx(5));
    CHECK(cfg.rate_limits.at("write").burst == doctest::Approx(20));
    CHECK(cfg.rate_limits.at("read").rate_per_sec == doctest::Approx(100.5));
    CHECK(cfg.rate_limits.at("read").burst == doctest::Approx(400));

    CHECK(cfg.bus_max_attempts == 5);
    CHECK(cfg.bus_backoff_initial_ms == 50);
    CHECK(cfg.bus_backoff_max_ms == 5000);
    CHECK(cfg.bus_poll_interval_ms == 250);
    CHECK(cfg.bus_linger_ms == 3);
    CHECK(cfg.bus_batch_size == 100);
    CHECK(cfg.bus_retention_hours == 24);

    const auto modules = read_module_settings(cfg);
    CHECK(modules.users.password_memory_bytes == 65536 * 1024);
    CHECK(modules.users.password_passes == 3);
    CHECK(modules.users.token_issuer == "https://shop.example");
    CHECK(modules.users.token_audience == "shop-api");
    CHECK(modules.catalog.reservation_ttl == 30min);
    CHECK(modules.catalog.sweep_interval == 5s);
    CHECK(modules.orders.payment_window == 45min);
    CHECK(modules.orders.sweep_interval == 7s);
    CHECK(modules.payments.provider == "acquirer");
    CHECK(modules.payments.webhook_secrets == std::vector<std::string>{"old-secret-0123456789", "new-secret-0123456789"});
    CHECK(modules.payments.webhook_tolerance == 120s);
    CHECK(modules.payments.sweep_interval == 15s);
    CHECK(modules.shipping.rates_file == "/etc/mercato/rates.toml");
    CHECK(modules.shipping.callback_secrets == std::vector<std::string>{"carrier-secret-0123456789"});
    const auto& notify = modules.notifications;
    CHECK(notify.notifications.language == "de");
    CHECK(notify.notifications.templates_dir == "/etc/mercato/templates");
    CHECK(notify.notifications.shop_name == "Kaffeehaus");
    CHECK(notify.smtp.host == "mail.example.com");
    CHECK(notify.smtp.port == 465);
    CHECK(notify.smtp.from == "Kaffeehaus <shop@example.com>");
    CHECK(notify.smtp.username == "shop");
    CHECK(notify.smtp.password == "hunter2-hunter2");
    CHECK(notify.smtp.tls == "tls");
    CHECK(notify.smtp.timeout_ms == 5000);
    CHECK(notify.webhook.urls == std::vector<std::string>{"https://hooks.example.com/mercato"});
    CHECK(notify.webhook.secret == "notify-secret-0123456789");
    CHECK(notify.notifications.max_attempts == 4);
    CHECK(notify.notifications.backoff_initial == 500ms);
    CHECK(notify.notifications.backoff_max == 60000ms);
    CHECK(modules.analytics.retention == std::chrono::days(30));
    CHECK(modules.search.index_dir == "/var/lib/mercato/search");
    CHECK(modules.search.language == "german");

    CHECK(cfg.log_level == "debug");
    CHECK(cfg.log_format == "json");

    CHECK(cfg.features == std::map<std::string, int, std::less<>>{{"new_checkout", 25}});
}

TEST_CASE("settings a config file leaves out keep their defaults, and the file read is recorded") {
    TempDir dir;
    const std::string path = write_file(dir.path() / "small.toml", "[server]\nport = 9000\n[rate_limit.read]\nrate = 7\n");
    Config cfg;
    apply_config_file(cfg, path, module_sections());

    const Config defaults;
    CHECK(cfg.port == 9000);
    CHECK(cfg.db_url == defaults.db_url);
    CHECK(cfg.workers == defaults.workers);
    CHECK(cfg.log_level == defaults.log_level);
    CHECK(cfg.rate_limits.at("read").rate_per_sec == doctest::Approx(7));
    CHECK(cfg.rate_limits.at("read").burst == doctest::Approx(defaults.rate_limits.at("read").burst));
    CHECK(cfg.config_file == path);
}

TEST_CASE("an unknown key or section is an error naming it, so a typo is never ignored") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[server]\nprot = 9000\n", "'server.prot'"},
        {"[servr]\nport = 9000\n", "'servr'"},
        {"port = 9000\n", "'port'"},
        {"[log]\ncolour = true\n", "'log.colour'"},
        {"[database]\npassword = \"x\"\n", "'database.password'"},
        {"[rate_limit.read]\nrate = 1\nbursts = 2\n", "'rate_limit.read.bursts'"},
        {"[payments]\nwebhook_secret = \"x\"\n", "'payments.webhook_secret'"},
        {"[catalog]\nreservation_minuts = 5\n", "'catalog.reservation_minuts'"},
    };
    for (const auto& [text, key] : cases) {
        CAPTURE(text);
        const std::string error = load_error(text);
        CHECK(error.find(key) != std::string::npos);
    }
}

TEST_CASE("a value of the wrong type is an error naming its key") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[server]\nport = \"9000\"\n", "server.port"},
        {"[server]\nworkers = -1\n", "server.workers"},
        {"[server]\nbind = 127\n", "server.bind"},
        {"[database]\npool_size = 1.5\n", "database.pool_size"},
        {"[rate_limit]\nenabled = \"yes\"\n", "rate_limit.enabled"},
        {"[rate_limit]\nwrite = 5\n", "rate_limit.write"},
        {"[rate_limit]\nread = { rate = \"fast\" }\n", "rate_limit.read.rate"},
        {"[cors]\nallowed_origins = \"https://shop.example\"\n", "cors.allowed_origins"},
        {"[cors]\nallowed_origins = [1, 2]\n", "cors.allowed_origins"},
        {"[payments]\nwebhook_secrets = \"old-secret-0123456789\"\n", "payments.webhook_secrets"},
        {"[log]\nlevel = 3\n", "log.level"},
        {"server = 8080\n", "server"},
    };
    for (const auto& [text, key] : cases) {
        CAPTURE(text);
        const std::string error = load_error(text);
        CHECK(error.find("'" + key + "'") != std::string::npos);
    }
}

TEST_CASE("a module refuses a key its section does not have, naming the section, the key and the file") {
    TempDir dir;
    const std::string path = write_file(dir.path() / "typo.toml", "[notifications]\nsmtp_hots = \"mail.example.com\"\n");
    Config cfg;
    apply_config_file(cfg, path, module_sections());
    const std::string expected = "config file '" + path + "': unknown setting 'notifications.smtp_hots'";
    CHECK_THROWS_WITH_AS(read_module_settings(cfg), expected.c_str(), ConfigError);
}

TEST_CASE("a config error names the file it came from") {
    TempDir dir;
    const std::string path = write_file(dir.path() / "typo.toml", "[server]\nprot = 1\n");
    Config cfg;
    CHECK_THROWS_WITH_AS(apply_config_file(cfg, path, module_sections()), doctest::Contains(path.c_str()), ConfigError);
}

TEST_CASE("an integer too large for its setting is refused rather than wrapped around") {
    // 2^32 + 8192 would become port 8192 if narrowed to int without a range check.
    TempDir dir;
    const std::string path = write_file(dir.path() / "big.toml", "[server]\nport = 4294975488\n");
    Config cfg;
    CHECK_THROWS_AS(
        {
            apply_config_file(cfg, path, module_sections());
            validate(cfg);
        },
        ConfigError);
}

TEST_CASE("a file that is not valid TOML is an error giving the line number") {
    const std::string error = load_error("[server]\nport = 9000\nbind = \n");
    CHECK(error.find("line 3") != std::string::npos);

    const std::string unclosed = load_error("[log]\nlevel = \"info\"\n[server\n");
    CHECK(unclosed.find("line 3") != std::string::npos);
}

TEST_CASE("feature rules accept percentages, booleans and on/off") {
    const Config cfg = load(R"(
[features]
new_checkout = "25%"
dark_mode = true
legacy_search = false
old_cart = "off"
beta_reviews = "on"
)");
    const std::map<std::string, int, std::less<>> expected = {
        {"new_checkout", 25}, {"dark_mode", 100}, {"legacy_search", 0}, {"old_cart", 0}, {"beta_reviews", 100}};
    CHECK(cfg.features == expected);
}

TEST_CASE("a feature rule that is not a boolean, on/off or a 0-100 percentage is an error naming the flag") {
    for (const std::string rule : {"25", "\"150%\"", "\"sometimes\"", "\"-5%\""}) {
        CAPTURE(rule);
        const std::string error = load_error("[features]\nrecommendations = " + rule + "\n");
        CHECK(error.find("recommendations") != std::string::npos);
    }
}

TEST_CASE("MERCATO_* environment variables override the database, port and log settings") {
    Config cfg;
    apply_environment(cfg, fake_env({{"MERCATO_DB", "postgresql://env@db/mercato"},
                                     {"MERCATO_PORT", "9100"},
                                     {"MERCATO_LOG_LEVEL", "warn"},
                                     {"MERCATO_LOG_FORMAT", "json"},
                                     {"MERCATO_WORKERS", "99"}}));
    CHECK(cfg.db_url == "postgresql://env@db/mercato");
    CHECK(cfg.port == 9100);
    CHECK(cfg.log_level == "warn");
    CHECK(cfg.log_format == "json");
    CHECK(cfg.workers == Config{}.workers);
}

TEST_CASE("MERCATO_PAYMENTS_WEBHOOK_SECRETS replaces the file's secrets with its trimmed, non-empty items") {
    Config cfg = load("[payments]\nwebhook_secrets = [\"file-secret-0123456789\"]\n");
    apply_environment(cfg, fake_env({{"MERCATO_PAYMENTS_WEBHOOK_SECRETS",
                                      " first-secret-0123456789 , second-secret-0123456789 ,"}}));
    CHECK(mercato::payments::read_payments_settings(cfg.section("payments")).webhook_secrets ==
          std::vector<std::string>{"first-secret-0123456789", "second-secret-0123456789"});
    CHECK_NOTHROW(validate(cfg));
    CHECK_NOTHROW(read_module_settings(cfg));
}

TEST_CASE("MERCATO_SEARCH_INDEX_DIR gives a server copy its own search index folder") {
    Config cfg = load("[search]\nindex_dir = \"/srv/shared\"\n");
    apply_environment(cfg, fake_env({{"MERCATO_SEARCH_INDEX_DIR", "/srv/copy-2/search"}}));
    CHECK(mercato::search::read_search_settings(cfg.section("search")).index_dir == "/srv/copy-2/search");
}

TEST_CASE("MERCATO_SHIPPING_CALLBACK_SECRETS replaces the file's carrier secrets") {
    Config cfg = load("[shipping]\ncallback_secrets = [\"file-secret-0123456789\"]\n");
    apply_environment(cfg, fake_env({{"MERCATO_SHIPPING_CALLBACK_SECRETS", "carrier-secret-0123456789"}}));
    CHECK(mercato::shipping::read_shipping_settings(cfg.section("shipping")).callback_secrets ==
          std::vector<std::string>{"carrier-secret-0123456789"});
}

TEST_CASE("MERCATO_SMTP_PASSWORD and MERCATO_NOTIFICATIONS_WEBHOOK_SECRET keep notification secrets out of the file") {
    Config cfg = load("[notifications]\nsmtp_password = \"from-file\"\n");
    apply_environment(cfg, fake_env({{"MERCATO_SMTP_PASSWORD", "from-env"},
                                     {"MERCATO_NOTIFICATIONS_WEBHOOK_SECRET", "notify-secret-0123456789"}}));
    const auto notify = mercato::notifications::read_notifications_settings(cfg.section("notifications"));
    CHECK(notify.smtp.password == "from-env");
    CHECK(notify.webhook.secret == "notify-secret-0123456789");
}

TEST_CASE("an empty environment variable counts as unset") {
    Config cfg;
    cfg.port = 9000;
    apply_environment(cfg, fake_env({{"MERCATO_PORT", ""}, {"MERCATO_DB", ""}}));
    CHECK(cfg.port == 9000);
    CHECK(cfg.db_url == Config{}.db_url);
}

TEST_CASE("a MERCATO_PORT that is not a port number is an error naming the variable") {
    for (const std::string value : {"80a", "70000", "-1", "http"}) {
        CAPTURE(value);
        Config cfg;
        CHECK_THROWS_WITH_AS(apply_environment(cfg, fake_env({{"MERCATO_PORT", value}})),
                             doctest::Contains("MERCATO_PORT"), ConfigError);
    }
}

TEST_CASE("the environment wins over the config file, which wins over the defaults") {
    TempDir dir;
    const std::string path = write_file(dir.path() / "mercato.toml",
                                        "[database]\nurl = \"sqlite:/srv/file\"\n"
                                        "[server]\nport = 9000\n"
                                        "[log]\nlevel = \"debug\"\n");
    Config cfg;
    apply_config_file(cfg, path, module_sections());
    apply_environment(cfg, fake_env({{"MERCATO_DB", "sqlite:/srv/env"}, {"MERCATO_PORT", "9100"}}));

    CHECK(cfg.db_url == "sqlite:/srv/env");
    CHECK(cfg.port == 9100);
    CHECK(cfg.log_level == "debug");
    CHECK(cfg.log_format == Config{}.log_format);
}

TEST_CASE("an explicit config file that cannot be read is an error naming it") {
    TempDir dir;
    const std::string missing = (dir.path() / "missing.toml").string();
    CHECK_THROWS_WITH_AS(choose_config_file(missing, fake_env({})), doctest::Contains(missing.c_str()), ConfigError);
    CHECK_THROWS_WITH_AS(choose_config_file(std::nullopt, fake_env({{"MERCATO_CONFIG", missing}})),
                         doctest::Contains(missing.c_str()), ConfigError);
}

TEST_CASE("the --config flag beats MERCATO_CONFIG, which beats config/mercato.toml") {
    TempDir dir;
    const std::string flag = write_file(dir.path() / "flag.toml", "");
    const std::string env = write_file(dir.path() / "env.toml", "");
    write_file(dir.path() / "config" / "mercato.toml", "");
    const WorkingDirectory cwd(dir.path());

    CHECK(choose_config_file(flag, fake_env({{"MERCATO_CONFIG", env}})) == flag);
    CHECK(choose_config_file(std::nullopt, fake_env({{"MERCATO_CONFIG", env}})) == env);
    CHECK(choose_config_file(std::nullopt, fake_env({})) == "config/mercato.toml");
}

TEST_CASE("with no flag, no MERCATO_CONFIG and no config/mercato.toml there is no config file") {
    TempDir dir;
    const WorkingDirectory cwd(dir.path());
    CHECK(choose_config_file(std::nullopt, fake_env({})) == std::nullopt);
    CHECK(choose_config_file(std::nullopt, fake_env({{"MERCATO_CONFIG", ""}})) == std::nullopt);
}

TEST_CASE("the built-in defaults pass validation") {
    CHECK_NOTHROW(validate(Config{}));
    CHECK_NOTHROW(read_module_settings(Config{}));
}

TEST_CASE("validation accepts every log level and both log formats and rejects anything else") {
    for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
        Config cfg;
        cfg.log_level = level;
        CHECK_NOTHROW(validate(cfg));
    }
    Config bad_level;
    bad_level.log_level = "verbose";
    CHECK_THROWS_WITH_AS(validate(bad_level), doctest::Contains("verbose"), ConfigError);

    Config json;
    json.log_format = "json";
    CHECK_NOTHROW(validate(json));
    Config bad_format;
    bad_format.log_format = "xml";
    CHECK_THROWS_WITH_AS(validate(bad_format), doctest::Contains("xml"), ConfigError);
}

TEST_CASE("validation keeps the port within 0-65535") {
    for (int port : {0, 8080, 65535}) {
        Config cfg;
        cfg.port = port;
        CHECK_NOTHROW(validate(cfg));
    }
    for (int port : {-1, 65536}) {
        CAPTURE(port);
        Config cfg;
        cfg.port = port;
        CHECK_THROWS_AS(validate(cfg), ConfigError);
    }
}

TEST_CASE("validation refuses zero workers") {
    Config cfg;
    cfg.workers = 0;
    CHECK_THROWS_WITH_AS(validate(cfg), doctest::Contains("workers"), ConfigError);
    cfg.workers = 1;
    CHECK_NOTHROW(validate(cfg));
}

TEST_CASE("validation refuses bus settings that would never deliver or never give up") {
    auto refused = [](auto change, const char* key) {
        Config cfg;
        change(cfg);
        CHECK_THROWS_WITH_AS(validate(cfg), doctest::Contains(key), ConfigError);
    };
    refused([](Config& c) { c.bus_max_attempts = 0; }, "bus.max_attempts");
    refused([](Config& c) { c.bus_backoff_initial_ms = 0; }, "bus.backoff_initial_ms");
    refused([](Config& c) { c.bus_backoff_max_ms = c.bus_backoff_initial_ms - 1; }, "bus.backoff_max_ms");
    refused([](Config& c) { c.bus_poll_interval_ms = 5; }, "bus.poll_interval_ms");
    refused([](Config& c) { c.bus_linger_ms = -1; }, "bus.linger_ms");
    refused([](Config& c) { c.bus_linger_ms = 1001; }, "bus.linger_ms");
    refused([](Config& c) { c.bus_batch_size = 0; }, "bus.batch_size");
    refused([](Config& c) { c.bus_batch_size = 10'001; }, "bus.batch_size");
    refused([](Config& c) { c.bus_retention_hours = 0; }, "bus.retention_hours");
    CHECK_THROWS_WITH_AS(load("[bus]\nmax_attempt = 3\n"), doctest::Contains("bus.max_attempt"), ConfigError);
}

TEST_CASE("validation refuses reservations or payment windows that end at once, and sweepers that never wait") {
    auto refused = [](const char* section, const char* setting, const char* key) {
        Config cfg;
        cfg.edit_section(section).set(setting, 0);
        CHECK_THROWS_WITH_AS(read_module_settings(cfg), doctest::Contains(key), ConfigError);
    };
    refused("catalog", "reservation_minutes", "catalog.reservation_minutes");
    refused("catalog", "sweep_interval_seconds", "catalog.sweep_interval_seconds");
    refused("orders", "payment_window_minutes", "orders.payment_window_minutes");
    refused("orders", "sweep_interval_seconds", "orders.sweep_interval_seconds");
}

TEST_CASE("validation refuses unusable payments, shipping, notifications, analytics and search settings: no provider, windows out of range, short secrets, a mail server without a sender, backoff upside down") {
    auto refused = [](auto change, const char* key) {
        Config cfg;
        change(cfg);
        CHECK_THROWS_WITH_AS(read_module_settings(cfg), doctest::Contains(key), ConfigError);
    };
    using Strings = std::vector<std::string>;
    refused([](Config& c) { c.edit_section("payments").set("provider", ""); }, "payments.provider");
    refused([](Config& c) { c.edit_section("payments").set("webhook_tolerance_seconds", 0); }, "payments.webhook_tolerance_seconds");
    refused([](Config& c) { c.edit_section("payments").set("webhook_tolerance_seconds", 3601); }, "payments.webhook_tolerance_seconds");
    refused([](Config& c) { c.edit_section("payments").set("sweep_interval_seconds", 0); }, "payments.sweep_interval_seconds");
    refused([](Config& c) { c.edit_section("payments").set("webhook_secrets", Strings{"long-enough-secret-0123", "short"}); },
            "payments.webhook_secrets");
    refused([](Config& c) { c.edit_section("shipping").set("callback_secrets", Strings{"short"}); }, "shipping.callback_secrets");
    refused([](Config& c) { c.edit_section("notifications").set("smtp_tls", "ssl"); }, "notifications.smtp_tls");
    refused([](Config& c) { c.edit_section("notifications").set("smtp_port", 0); }, "notifications.smtp_port");
    refused([](Config& c) { c.edit_section("notifications").set("smtp_host", "mail.example.com"); }, "notifications.smtp_from");
    refused([](Config& c) { c.edit_section("notifications").set("webhook_urls", Strings{"https://hooks.example.com"}); },
            "notifications.webhook_secret");
    refused([](Config& c) { c.edit_section("notifications").set("max_attempts", 0); }, "notifications.max_attempts");
    refused(
        [](Config& c) {
            c.edit_section("notifications").set("backoff_initial_ms", 5000);
            c.edit_section("notifications").set("backoff_max_ms", 1000);
        },
        "notifications.backoff_initial_ms");
    refused([](Config& c) { c.edit_section("notifications").set("language", ""); }, "notifications.language");
    refused([](Config& c) { c.edit_section("analytics").set("retention_days", 0); }, "analytics.retention_days");
    refused([](Config& c) { c.edit_section("search").set("language", ""); }, "search.language");
    refused([](Config& c) { c.edit_section("users").set("password_memory_kib", 7); }, "users.password_memory_kib");
    refused([](Config& c) { c.edit_section("users").set("password_passes", 0); }, "users.password_passes");
    refused([](Config& c) { c.edit_section("users").set("token_audience", ""); }, "users.token_audience");

    Config edges;
    edges.edit_section("payments").set("webhook_tolerance_seconds", 3600);
    edges.edit_section("payments").set("webhook_secrets", Strings{"exactly-16-chars"});
    CHECK_NOTHROW(read_module_settings(edges));
}
