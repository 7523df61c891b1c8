// One page of a keyset-paged listing: its items and the cursor of the page after it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mercato::kernel {

template <class T>
struct Page {
    std::vector<T> items;
    std::optional<std::string> next_cursor;  // nullopt on the last page
};

}  // namespace mercato::kernel
