#include "modules/catalog/module.hpp"

#include <spdlog/spdlog.h>

#include "kernel/bus/bus.hpp"
#include "modules/catalog/api/events.hpp"
#include "modules/catalog/domain/change_reach.hpp"
#include "modules/catalog/http/product_routes.hpp"
#include "modules/catalog/http/read_cache.hpp"

namespace mercato::catalog {

namespace {

// About 10 MB for a shop of 10,000 products with every detail cached.
constexpr std::size_t cached_products = 20'000;
constexpr std::size_t cached_listings = 2'000;

}  // namespace

CatalogModule::CatalogModule(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, CatalogSettings settings)
    : catalog_(std::move(db), bus, settings),
      cache_(std::make_unique<ReadCache>(cached_products, cached_listings)),
      sweeper_("releasing expired stock reservations", settings.sweep_interval, [this] {
          if (const auto released = catalog_.release_expired()) spdlog::info("released {} expired stock reservations", released);
      }) {
    // This process's own writes drop what they reach at commit, so a client reads its write at once...
    catalog_.on_change([this](const CatalogChange& change) { cache_->forget(change); });
    // ...and every server copy drops it when the change reaches it through the catalog's log. Orders move
    // stock all day: only a move across zero drops the listings, any other the product's entry alone.
    bus.subscribe_local({"catalog.read-cache",
                         {topic_product_updated, topic_stock_changed, topic_category_created},
                         [this](const kernel::bus::Envelope& event) {
                             cache_->forget(change_of_event(event.topic, event.key, event.payload));
                         },
                         [this, &bus](const std::string& source) {
                             // No history needed: start at the head, and forget what was cached before
                             // it was read (a change before the head may not have dropped it).
                             const auto head = bus.head(source);
                             cache_->clear();
                             return head;
                         }});
}

CatalogModule::~CatalogModule() = default;

void CatalogModule::register_routes(http::Router& router) {
    register_product_routes(router, catalog_, *cache_);
    register_review_routes(router, catalog_);
    register_stock_routes(router, catalog_);
}

}  // namespace mercato::catalog
