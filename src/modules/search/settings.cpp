#include "modules/search/settings.hpp"

namespace mercato::search {

SearchSettings read_search_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"index_dir", "language"});
    SearchSettings settings;
    section.read("index_dir", settings.index_dir);
    section.read("language", settings.language);
    if (auto dir = section.env("MERCATO_SEARCH_INDEX_DIR")) settings.index_dir = *dir;
    if (settings.language.empty()) throw kernel::ConfigError("search.language must name a language, or be \"none\"");
    return settings;
}

}  // namespace mercato::search
