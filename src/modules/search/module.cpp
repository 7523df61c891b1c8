#include "modules/search/module.hpp"

#include "modules/search/http/search_routes.hpp"

namespace mercato::search {

SearchModule::SearchModule(catalog::Catalog& catalog, kernel::bus::Bus& bus, SearchSettings settings)
    : search_(catalog, std::move(settings)) {
    search_.follow(bus);
}

void SearchModule::register_routes(http::Router& router) { register_search_routes(router, search_); }

}  // namespace mercato::search
