// The catalog's HTTP routes: products, categories, reviews and stock adjustments.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::catalog {

class Catalog;
class ReadCache;

void register_product_routes(http::Router& router, Catalog& catalog, ReadCache& cache);
void register_review_routes(http::Router& router, Catalog& catalog);
void register_stock_routes(http::Router& router, Catalog& catalog);

}  // namespace mercato::catalog
