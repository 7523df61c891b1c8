// Wires the search module into a process: its facade, its routes, and its place on the catalog's log.
#pragma once

#include <memory>

#include "modules/search/api/search.hpp"
#include "modules/search/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::search {

class AnswerCache;

class SearchModule {
public:
    // Follows the catalog's log from here on: call before the bus starts.
    SearchModule(catalog::Catalog& catalog, kernel::bus::Bus& bus, SearchSettings settings);
    ~SearchModule();

    Search& search() { return search_; }
    void register_routes(http::Router& router);
    void start() { search_.start(); }
    void stop() { search_.stop(); }

private:
    Search search_;
    // Behind a pointer so the composition root sees the module without its HTTP internals.
    std::unique_ptr<AnswerCache> answers_;
};

}  // namespace mercato::search
