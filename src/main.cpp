// mercato: the command line of the server (serve, migrate, users create-admin, seed, version).
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace {

constexpr const char* usage =
    "Usage: mercato <command> [options]\n"
    "\n"
    "Commands:\n"
    "  serve                 apply pending migrations and serve the REST API\n"
    "  migrate               apply pending migrations and exit\n"
    "  users create-admin    create an admin account (--email E --password P)\n"
    "  seed --demo           load a demo catalog into an empty shop (--products N, default 1000)\n"
    "  version               print the version\n"
    "\n"
    "Every command takes --db URL, --config FILE and --help.\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << usage;
        return 2;
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "serve") return mercato::cli::serve(args);
    if (command == "migrate") return mercato::cli::migrate(args);
    if (command == "users") return mercato::cli::users(args);
    if (command == "seed") return mercato::cli::seed(args);
    if (command == "version" || command == "--version") return mercato::cli::version(args);
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << usage;
        return 0;
    }
    std::cerr << "mercato: unknown command '" << command << "'\n" << usage;
    return 2;
}
