// A search answer's JSON text, written straight from the result: the same text a JSON document built
// of it would dump (keys in order, numbers as nlohmann writes them), without building that document,
// which cost more than answering from kept match sets does.
#pragma once

#include <string>

#include "modules/search/api/search.hpp"

namespace mercato::search {

std::string answer_json(const SearchResult& result);

}  // namespace mercato::search
