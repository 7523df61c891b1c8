// Wires the catalog module into a process: its facade, its routes with their read cache, the cache's
// invalidation by the catalog's own events, and the sweeper that releases expired reservations.
#pragma once

#include <memory>

#include "kernel/periodic_task.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/settings.hpp"

namespace mercato::http {
class Router;
}

namespace mercato::catalog {

class ReadCache;

class CatalogModule {
public:
    // Subscribes the read cache to the catalog's log: call before the bus starts.
    CatalogModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, CatalogSettings settings);
    ~CatalogModule();

    Catalog& catalog() { return catalog_; }
    void register_routes(http::Router& router);
    // The sweeper of expired reservations runs from start() until stop() (or destruction).
    void start() { sweeper_.start(); }
    void stop() { sweeper_.stop(); }

private:
    Catalog catalog_;
    // Behind a pointer so the composition root sees the module without its HTTP internals.
    std::unique_ptr<ReadCache> cache_;
    kernel::PeriodicTask sweeper_;
};

}  // namespace mercato::catalog
