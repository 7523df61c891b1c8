// Locations and scratch space for tests: the source tree, the built binary, temporary folders.
#pragma once

#include <filesystem>
#include <string>

namespace mercato::test {

std::filesystem::path source_dir();
std::filesystem::path mercato_binary();

// A fresh empty folder, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return path_; }
    std::string str() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

// The PostgreSQL URL that `make test` starts (MERCATO_TEST_PG_URL); fails the test when unset.
std::string postgres_url();

}  // namespace mercato::test
