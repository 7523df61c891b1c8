// The mercato subcommands: serve, migrate, users create-admin, seed, version.
#pragma once

#include <string>
#include <vector>

namespace mercato::cli {

// Each returns the process exit code: 0 done, 1 failed at run time, 2 bad usage or configuration.
int serve(const std::vector<std::string>& args);
int migrate(const std::vector<std::string>& args);
int users(const std::vector<std::string>& args);
int seed(const std::vector<std::string>& args);
int version(const std::vector<std::string>& args);

}  // namespace mercato::cli
