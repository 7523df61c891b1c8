#include "kernel/migration_source.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mercato::kernel {

std::vector<MigrationFile> embedded_migrations() {
    std::vector<MigrationFile> files;
    for (const auto& f : embedded_migration_files()) files.push_back({std::string(f.path), std::string(f.content)});
    return files;
}

std::vector<MigrationFile> read_migrations_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(dir)) throw std::runtime_error("migrations folder '" + dir + "' does not exist");
    std::vector<MigrationFile> files;
    for (const auto& module : fs::directory_iterator(dir)) {
        if (!module.is_directory()) continue;
        for (const auto& entry : fs::directory_iterator(module.path())) {
            if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            files.push_back({module.path().filename().string() + "/" + entry.path().filename().string(), text.str()});
        }
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

}  // namespace mercato::kernel
