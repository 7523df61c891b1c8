#include "modules/search/module.hpp"

#include "modules/search/http/answer_cache.hpp"
#include "modules/search/http/search_routes.hpp"

namespace mercato::search {

namespace {

// Rendered answers kept while the index stays unchanged (a few kilobytes each): about a thousand.
constexpr std::size_t cached_answer_bytes = 4 << 20;

}  // namespace

SearchModule::SearchModule(catalog::Catalog& catalog, kernel::bus::Bus& bus, SearchSettings settings)
    : search_(catalog, std::move(settings)), answers_(std::make_unique<AnswerCache>(cached_answer_bytes)) {
    search_.follow(bus);
}

void SearchModule::register_routes(http::Router& router) { register_search_routes(router, search_, *answers_); }

SearchModule::~SearchModule() = default;

}  // namespace mercato::search
