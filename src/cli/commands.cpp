#include "cli/commands.hpp"

#include <cstdlib>
#include <iostream>
#include <regex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/app.hpp"
#include "app/module_settings.hpp"
#include "cli/options.hpp"
#include "kernel/config.hpp"
#include "kernel/db_url.hpp"
#include "kernel/logging.hpp"
#include "kernel/problem.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/api/demo_catalog.hpp"
#include "modules/users/api/users.hpp"

namespace mercato::cli {

namespace {

std::vector<OptionSpec> with_common(std::vector<OptionSpec> own) {
    auto all = common_options();
    all.insert(all.end(), own.begin(), own.end());
    return all;
}

// Defaults, then the config file, then MERCATO_* environment, then flags.
kernel::Config build_config(const ParsedOptions& options) {
    const kernel::Getenv getenv = [](const char* name) { return std::getenv(name); };
    kernel::Config cfg;
    if (auto file = kernel::choose_config_file(options.get("config"), getenv)) kernel::apply_config_file(cfg, *file, app::module_sections());
    kernel::apply_environment(cfg, getenv);
    if (auto db = options.get("db")) cfg.db_url = *db;
    if (auto port = options.get("port")) cfg.port = kernel::parse_port(*port, "--port");
    if (auto threads = options.get("threads")) {
        try {
            std::size_t used = 0;
            cfg.io_threads = std::stoi(*threads, &used);
            if (used != threads->size() || cfg.io_threads < 1) throw std::invalid_argument("range");
        } catch (const std::exception&) {
            throw kernel::ConfigError(fmt::format("--threads: '{}' is not a positive whole number", *threads));
        }
    }
    kernel::validate(cfg);
    kernel::parse_db_url(cfg.db_url);
    return cfg;
}

// Runs a command body, turning failures into a one-line message and the documented exit code.
template <class F>
int guarded(const std::string& command, F&& body) {
    try {
        return body();
    } catch (const UsageError& e) {
        std::cerr << "mercato: " << e.what() << "\n";
        return 2;
    } catch (const kernel::ConfigError& e) {
        std::cerr << "mercato " << command << ": " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mercato " << command << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace

int serve(const std::vector<std::string>& args) {
    const auto specs = with_common({
        {"port", "N", "port to listen on (default 8080; 0 picks a free one) [MERCATO_PORT]"},
        {"threads", "N", "I/O threads (default: one per core)"},
    });
    return guarded("serve", [&] {
        const auto options = parse_options("serve", specs, args);
        if (options.help) {
            std::cout << help_text("mercato serve [options]",
                                   "Applies pending migrations, then serves the REST API until SIGTERM or SIGINT.", specs);
            return 0;
        }
        const kernel::Config cfg = build_config(options);
        kernel::init_logging(cfg.log_level, cfg.log_format);
        app::App app(cfg);
        for (const auto& id : app.migrate()) spdlog::info("migrated {}", id);
        const auto port = app.listen();
        spdlog::info("mercato {} on {} ({}), listening on {}:{}", MERCATO_VERSION, kernel::redact_db_url(cfg.db_url),
                     cfg.config_file.empty() ? "built-in defaults" : cfg.config_file, cfg.bind_address, port);
        spdlog::default_logger()->flush();
        if (!app.run(true)) {
            // A handler outlived the grace period; waiting for it would break the promise to stop.
            spdlog::warn("stopped with requests unfinished");
            spdlog::default_logger()->flush();
            std::fflush(stdout);
            std::_Exit(0);
        }
        spdlog::info("stopped");
        spdlog::default_logger()->flush();
        return 0;
    });
}

int migrate(const std::vector<std::string>& args) {
    const auto specs = with_common({{"status", "", "list pending migrations without applying them"}});
    return guarded("migrate", [&] {
        const auto options = parse_options("migrate", specs, args);
        if (options.help) {
            std::cout << help_text("mercato migrate [options]", "Applies every pending schema migration, in order.", specs);
            return 0;
        }
        const kernel::Config cfg = build_config(options);
        kernel::init_logging("warn", cfg.log_format);
        app::App app(cfg, kernel::embedded_migrations(), app::Role::tool);
        if (options.get("status")) {
            const auto pending = app.pending_migrations();
            std::cout << pending.size() << " pending migration(s)\n";
            for (const auto& id : pending) std::cout << "  " << id << "\n";
            return 0;
        }
        const auto applied = app.migrate();
        std::cout << "applied " << applied.size() << " migration(s)\n";
        for (const auto& id : applied) std::cout << "  " << id << "\n";
        return 0;
    });
}

namespace {

// A process on this configuration's database with its migrations applied (a fresh install creates
// its first admin, or loads its demo shop, before it first serves). A Problem the body meets is bad
// input: it is printed with its field errors and gives exit code 2.
template <class F>
int with_app(const ParsedOptions& options, F&& body) {
    const kernel::Config cfg = build_config(options);
    kernel::init_logging("warn", cfg.log_format);
    app::App app(cfg, kernel::embedded_migrations(), app::Role::tool);
    app.migrate();
    try {
        return body(app);
    } catch (const kernel::Problem& p) {
        std::string message = p.detail();
        for (const auto& e : p.errors()) message += fmt::format("; {} {}", e.field, e.message);
        throw UsageError(message);
    }
}

template <class F>
int with_users(const ParsedOptions& options, F&& body) {
    return with_app(options, [&](app::App& app) {
        if (app.users() == nullptr) throw std::runtime_error("the users module is not part of this build");
        return body(*app.users());
    });
}

}  // namespace

int users(const std::vector<std::string>& args) {
    const auto admin_specs = with_common({
        {"email", "E", "the admin's email address"},
        {"password", "P", "the admin's password (at least 8 characters, not a common one)"},
    });
    const auto list_specs = common_options();
    const std::string help =
        help_text("mercato users create-admin --email E --password P [options]",
                  "Creates an admin account, or makes an existing account admin with this password.", admin_specs) +
        help_text("mercato users list [options]", "Lists every account: id, email, role, created.", list_specs);
    return guarded("users", [&] {
        if (args.empty()) {
            std::cerr << help;
            return 2;
        }
        if (args.front() == "--help" || args.front() == "-h") {
            std::cout << help;
            return 0;
        }
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (args.front() == "list") {
            const auto options = parse_options("users list", list_specs, rest);
            if (options.help) {
                std::cout << help;
                return 0;
            }
            return with_users(options, [](users::Users& users) {
                for (const auto& p : users.list_users()) {
                    std::cout << p.id << "\t" << p.email << "\t" << p.role << "\t" << p.created_at << "\n";
                }
                return 0;
            });
        }
        if (args.front() != "create-admin") throw UsageError(fmt::format("users: unknown subcommand '{}'", args.front()));
        const auto options = parse_options("users create-admin", admin_specs, rest);
        if (options.help) {
            std::cout << help;
            return 0;
        }
        const auto email = options.get("email");
        const auto password = options.get("password");
        if (!email || !password) throw UsageError("users create-admin: --email and --password are required");
        static const std::regex email_shape(R"([^@\s]+@[^@\s]+\.[^@\s]+)");
        if (!std::regex_match(*email, email_shape)) {
            throw UsageError(fmt::format("users create-admin: '{}' is not an email address", *email));
        }
        if (password->size() < 8) throw UsageError("users create-admin: the password needs at least 8 characters");
        return with_users(options, [&](users::Users& users) {
            const auto admin = users.create_admin(*email, *password);
            std::cout << "admin " << admin.email << " is " << admin.id << "\n";
            return 0;
        });
    });
}

int seed(const std::vector<std::string>& args) {
    const auto specs = with_common({{"demo", "", "load the demo shop (required: the only seed there is)"},
                                    {"products", "N", "how many demo products (default 1000)"}});
    return guarded("seed", [&] {
        const auto options = parse_options("seed", specs, args);
        if (options.help) {
            std::cout << help_text("mercato seed --demo [--products N] [options]",
                                   "Loads a demo catalog, the same every time, into an empty shop.", specs);
            return 0;
        }
        if (!options.get("demo")) throw UsageError("seed: --demo is required");
        std::size_t count = 1000;
        if (auto text = options.get("products")) {
            try {
                std::size_t used = 0;
                const long long n = std::stoll(*text, &used);
                if (used != text->size() || n < 1 || n > 1'000'000) throw std::invalid_argument("range");
                count = static_cast<std::size_t>(n);
            } catch (const std::exception&) {
                throw UsageError(fmt::format("seed: --products must be a whole number from 1 to 1000000, not '{}'", *text));
            }
        }
        return with_app(options, [&](app::App& app) {
            auto* catalog = app.catalog();
            if (catalog == nullptr) throw std::runtime_error("the catalog module is not part of this build");
            // A shop with products of its own is never touched, so running it twice (or on a live shop) is safe.
            if (!catalog->products({}).items.empty()) {
                std::cout << "the catalog has products already; nothing seeded\n";
                return 0;
            }
            // One transaction: a seed that dies midway leaves no half shop that the next run would skip.
            const auto drafts = catalog::demo_catalog(count);
            catalog->create_products(drafts, "seed");
            std::cout << "seeded " << drafts.size() << " demo products\n";
            return 0;
        });
    });
}

int version(const std::vector<std::string>& args) {
    return guarded("version", [&] {
        // Takes --db and --config like every subcommand, so scripts can pass them uniformly; it reads neither.
        const auto specs = common_options();
        const auto options = parse_options("version", specs, args);
        if (options.help) {
            std::cout << help_text("mercato version", "Prints the version.", specs);
            return 0;
        }
        std::cout << "mercato " << MERCATO_VERSION << "\n";
        return 0;
    });
}

}  // namespace mercato::cli
