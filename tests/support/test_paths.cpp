#include "support/test_paths.hpp"

#include <cstdlib>
#include <stdexcept>

namespace mercato::test {

std::filesystem::path source_dir() { return MERCATO_SOURCE_DIR; }
std::filesystem::path mercato_binary() { return MERCATO_BINARY; }

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mercato-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string postgres_url() {
    const char* url = std::getenv("MERCATO_TEST_PG_URL");
    if (url == nullptr || *url == '\0') {
        throw std::runtime_error("MERCATO_TEST_PG_URL is not set: run the PostgreSQL tier through `make test`");
    }
    return url;
}

}  // namespace mercato::test
