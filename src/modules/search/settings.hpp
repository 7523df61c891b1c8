// The [search] section of the configuration: its keys, their checks, and the SearchSettings they make.
#pragma once

#include "kernel/settings_section.hpp"
#include "modules/search/api/search.hpp"

namespace mercato::search {

// The index's folder (index_dir, replaced by MERCATO_SEARCH_INDEX_DIR so server copies on one host can
// each have their own; "" leaves the choice to the composition root), and the language whose word
// forms it folds (language; "none": no stemming). Throws kernel::ConfigError for an unknown key, a
// value of the wrong type, or one that cannot be used.
SearchSettings read_search_settings(const kernel::SettingsSection& section);

}  // namespace mercato::search
