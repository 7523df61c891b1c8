// The mercato command line, run as a real process: exit codes, errors, configuration precedence, SIGTERM.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <regex>

#include "support/child_process.hpp"
#include "support/http_client.hpp"

using mercato::test::ChildProcess;
using mercato::test::listening_port;
using mercato::test::run_mercato;
using mercato::test::TempDir;

namespace {

int count_lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("an unknown flag is a one-line error and exit code 2") {
    auto r = run_mercato({"serve", "--bogus"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--bogus") != std::string::npos);
    CHECK(count_lines(r.err) == 1);
}

TEST_CASE("a bad database URL is a one-line error naming the URL and exit code 2") {
    auto r = run_mercato({"migrate", "--db", "mysql://shop"});
    CHECK(r.code == 2);
    CHECK(r.err.find("mysql://shop") != std::string::npos);
    CHECK(count_lines(r.err) == 1);
}

TEST_CASE("a module's unknown setting in the config file is a one-line error naming it and exit code 2, before serving") {
    TempDir dir;
    const auto config = dir.path() / "mercato.toml";
    std::ofstream(config) << "[catalog]\nreservation_minuts = 5\n";
    auto r = run_mercato({"serve", "--config", config.string(), "--db", "sqlite:" + dir.str() + "/data", "--port", "0"});
    CHECK(r.code == 2);
    CHECK(r.err == "mercato serve: config file '" + config.string() + "': unknown setting 'catalog.reservation_minuts'\n");
    CHECK_FALSE(std::filesystem::exists(dir.path() / "data"));  // refused before the database was opened
}

TEST_CASE("an unreadable config file is a one-line error and exit code 2") {
    auto r = run_mercato({"serve", "--config", "/nonexistent/mercato.toml"});
    CHECK(r.code == 2);
    CHECK(r.err.find("/nonexistent/mercato.toml") != std::string::npos);
    auto env = run_mercato({"version"}, {"MERCATO_CONFIG=/nonexistent/env.toml"});
    CHECK(env.code == 0);  // version reads no configuration
    auto serve_env = run_mercato({"serve"}, {"MERCATO_CONFIG=/nonexistent/env.toml"});
    CHECK(serve_env.code == 2);
}

TEST_CASE("every subcommand has --help") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"serve", "--help"}, {"migrate", "--help"}, {"users", "create-admin", "--help"}, {"version", "--help"}}) {
        auto r = run_mercato(args);
        INFO(args.front());
        CHECK(r.code == 0);
        CHECK(r.out.find("Usage: mercato") != std::string::npos);
    }
    CHECK(run_mercato({"serve", "--help"}).out.find("--port") != std::string::npos);
}

TEST_CASE("users create-admin validates its input") {
    CHECK(run_mercato({"users", "create-admin", "--email", "not-an-email", "--password", "long-enough"}).code == 2);
    CHECK(run_mercato({"users", "create-admin", "--email", "a@shop.example", "--password", "short"}).code == 2);
    CHECK(run_mercato({"users", "create-admin", "--password", "long-enough"}).code == 2);
}

TEST_CASE("version prints the version") {
    auto r = run_mercato({"version"});
    CHECK(r.code == 0);
    CHECK(r.out.starts_with("mercato "));
}

TEST_CASE("migrate on an empty SQLite folder succeeds and creates it") {
    TempDir dir;
    auto r = run_mercato({"migrate", "--db", "sqlite:" + dir.str() + "/data"});
    CHECK(r.code == 0);
    CHECK(r.out.find("applied") != std::string::npos);
    CHECK(std::filesystem::is_directory(dir.path() / "data"));
}

TEST_CASE("flags beat environment, which beats the config file") {
    TempDir dir;
    const auto config = dir.path() / "mercato.toml";
    std::ofstream(config) << "[server]\nport = 1\n[log]\nformat = \"json\"\n";
    const std::string db = "--db=sqlite:" + dir.str() + "/data";

    // The file says port 1 (not bindable without privileges is irrelevant: the environment wins).
    ChildProcess from_env({"serve", "--config", config.string(), db}, {"MERCATO_PORT=0"});
    auto out = from_env.wait_for_output("listening on", std::chrono::seconds(10));
    REQUIRE(out);
    CHECK(out->find(R"("level":"info")") != std::string::npos);  // the file's JSON log format applied
    CHECK(listening_port(*out) != 1);
    from_env.signal(SIGTERM);
    CHECK(from_env.wait(std::chrono::seconds(10)) == 0);

    ChildProcess from_flag({"serve", "--config", config.string(), db, "--port", "0"}, {"MERCATO_PORT=1"});
    auto flag_out = from_flag.wait_for_output("listening on", std::chrono::seconds(10));
    REQUIRE(flag_out);
    CHECK(listening_port(*flag_out) != 1);
    from_flag.signal(SIGTERM);
    CHECK(from_flag.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("serve answers over HTTP and exits 0 on SIGTERM") {
    TempDir dir;
    ChildProcess server({"serve", "--port", "0", "--db", "sqlite:" + dir.str() + "/data"});
    auto out = server.wait_for_output("listening on", std::chrono::seconds(10));
    REQUIRE(out);
    mercato::test::HttpClient client(listening_port(*out));
    CHECK(client.get("/healthz").status == 200);
    CHECK(client.get("/readyz").status == 200);
    server.signal(SIGTERM);
    CHECK(server.wait(std::chrono::seconds(12)) == 0);
    CHECK(server.output().find("stopped") != std::string::npos);
}

TEST_CASE("no command, an unknown command and a bare users are usage errors with exit code 2") {
    auto none = run_mercato({});
    CHECK(none.code == 2);
    CHECK(none.err.find("Usage: mercato") != std::string::npos);
    auto unknown = run_mercato({"serve-forever"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("serve-forever") != std::string::npos);
    auto users = run_mercato({"users"});
    CHECK(users.code == 2);
    CHECK(users.out.empty());
    CHECK(users.err.find("create-admin") != std::string::npos);
    CHECK(run_mercato({"users", "delete-everyone"}).code == 2);
}

TEST_CASE("users create-admin makes an admin, run again promotes that account, and users list shows it") {
    TempDir dir;
    const std::string db = "sqlite:" + dir.str() + "/data";
    auto created = run_mercato({"users", "create-admin", "--email", "Boss@Shop.example", "--password", "tr0ub4dor and more", "--db", db});
    CHECK(created.code == 0);
    CHECK(created.out.find("admin boss@shop.example is usr_") != std::string::npos);
    auto again = run_mercato({"users", "create-admin", "--email", "boss@shop.example", "--password", "another passphrase", "--db", db});
    CHECK(again.code == 0);
    CHECK(again.out == created.out);  // the same account, promoted again, not a second one
    auto listed = run_mercato({"users", "list", "--db", db});
    CHECK(listed.code == 0);
    CHECK(listed.out.find("\tboss@shop.example\tadmin\t") != std::string::npos);
    CHECK(std::count(listed.out.begin(), listed.out.end(), '\n') == 1);
}

TEST_CASE("users create-admin refuses a common password with exit code 2 and creates nothing") {
    TempDir dir;
    const std::string db = "sqlite:" + dir.str() + "/data";
    auto refused = run_mercato({"users", "create-admin", "--email", "boss@shop.example", "--password", "password123", "--db", db});
    CHECK(refused.code == 2);
    CHECK(refused.err.find("too common") != std::string::npos);
    CHECK(run_mercato({"users", "list", "--db", db}).out.empty());
}
