// Wires the catalog module into a process: its facade, its routes with their read cache, the cache's
// invalidation by the catalog's own events, and the sweeper that releases expired reservations.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/http/read_cache.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::catalog {

class CatalogModule {
public:
    // Subscribes the read cache to the catalog's log: call before the bus starts.
    CatalogModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, CatalogSettings settings);
    ~CatalogModule();

    Catalog& catalog() { return catalog_; }
    void register_routes(http::Router& router);
    // The sweeper runs from start() until stop() (or destruction).
    void start();
    void stop();

private:
    void sweep_until_stopped();

    CatalogSettings settings_;
    Catalog catalog_;
    ReadCache cache_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread sweeper_;
};

}  // namespace mercato::catalog
