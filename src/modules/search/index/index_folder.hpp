// Where a search index lives: the folder the settings name, or, when they name none, a temporary
// one made at start and removed at the end.
#pragma once

#include <filesystem>
#include <string>

namespace mercato::search {

class IndexFolder {
public:
    // Creates the folder (configured, or a new temporary one when configured is empty).
    explicit IndexFolder(const std::string& configured);
    ~IndexFolder();
    IndexFolder(const IndexFolder&) = delete;
    IndexFolder& operator=(const IndexFolder&) = delete;

    std::string str() const { return path_.string(); }
    bool temporary() const { return temporary_; }

private:
    bool temporary_;
    std::filesystem::path path_;
};

}  // namespace mercato::search
