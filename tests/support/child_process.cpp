#include "support/child_process.hpp"

#include <csignal>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/eventually.hpp"

extern char** environ;

namespace mercato::test {

namespace {

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& args, const std::vector<std::string>& env)
    : ChildProcess(mercato_binary(), args, env) {}

ChildProcess::ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
    std::vector<std::string> argv_storage = {program.string()};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "MERCATO_", 8) != 0) env_storage.emplace_back(*e);
    }
    env_storage.insert(env_storage.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string out = (dir_.path() / "stdout").string();
    const std::string err = (dir_.path() / "stderr").string();
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + program.string() + ": " + std::strerror(rc));
}

ChildProcess::~ChildProcess() {
    if (!status_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    eventually(
        [&] {
            int raw = 0;
            if (::waitpid(pid_, &raw, WNOHANG) != pid_) return false;
            status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
            return true;
        },
        timeout);
    return status_;
}

void ChildProcess::signal(int sig) { ::kill(pid_, sig); }

std::string ChildProcess::output() const { return slurp(dir_.path() / "stdout"); }
std::string ChildProcess::errors() const { return slurp(dir_.path() / "stderr"); }

std::optional<std::string> ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
    std::string out;
    if (eventually([&] { return (out = output()).find(text) != std::string::npos; }, timeout, std::chrono::milliseconds(20))) {
        return out;
    }
    return std::nullopt;
}

RunResult run_mercato(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    ChildProcess child(args, env);
    const auto code = child.wait(std::chrono::seconds(10));
    if (!code) throw std::runtime_error("mercato did not finish within 10 s");
    return {*code, child.output(), child.errors()};
}

std::uint16_t listening_port(const std::string& output) {
    std::smatch m;
    REQUIRE(std::regex_search(output, m, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")));
    return static_cast<std::uint16_t>(std::stoi(m[1]));
}

}  // namespace mercato::test
