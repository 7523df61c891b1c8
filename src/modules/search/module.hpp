// Wires the search module into a process: its facade, its routes, and its place on the catalog's log.
#pragma once

#include "modules/search/api/search.hpp"
#include "modules/search/settings.hpp"
#include "modules/search/http/answer_cache.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::search {

class SearchModule {
public:
    // Follows the catalog's log from here on: call before the bus starts.
    SearchModule(catalog::Catalog& catalog, kernel::bus::Bus& bus, SearchSettings settings);

    Search& search() { return search_; }
    void register_routes(http::Router& router);
    void start() { search_.start(); }
    void stop() { search_.stop(); }

private:
    Search search_;
    AnswerCache answers_;
};

}  // namespace mercato::search
