// Runs the real mercato binary as a child process, capturing its output, for command-line tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "support/test_paths.hpp"

namespace mercato::test {

class ChildProcess {
public:
    // env: extra NAME=VALUE entries on top of a copy of this process's environment without MERCATO_*.
    ChildProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
    // Runs another program of the build (a test probe) the same way.
    ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                 const std::vector<std::string>& env = {});
    ~ChildProcess();  // kills the child if it still runs

    // The exit code, or nullopt if it did not exit in time (then it is killed); a signal death is 128+signal.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    void signal(int sig);
    std::string output() const;  // stdout so far
    std::string errors() const;  // stderr so far
    // Waits until stdout contains text; returns the output then, or nullopt on timeout.
    std::optional<std::string> wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const;
    pid_t pid() const noexcept { return pid_; }

private:
    TempDir dir_;
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// Runs to completion (10 s at most): exit code, stdout, stderr.
struct RunResult {
    int code;
    std::string out;
    std::string err;
};
// The port a `mercato serve` says it listens on, from its output.
std::uint16_t listening_port(const std::string& output);

RunResult run_mercato(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

}  // namespace mercato::test
