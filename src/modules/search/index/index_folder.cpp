#include "modules/search/index/index_folder.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace mercato::search {

namespace fs = std::filesystem;

IndexFolder::IndexFolder(const std::string& configured) : temporary_(configured.empty()) {
    if (!temporary_) {
        path_ = configured;
        fs::create_directories(path_);
        return;
    }
    auto pattern = (fs::temp_directory_path() / "mercato-search-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a temporary search index folder");
    path_ = pattern;
}

IndexFolder::~IndexFolder() {
    std::error_code ignored;
    if (temporary_) fs::remove_all(path_, ignored);
}

}  // namespace mercato::search
