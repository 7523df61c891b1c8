#include "modules/catalog/http/product_routes.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/list_params.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/domain/product_json.hpp"
#include "modules/catalog/domain/product_rules.hpp"
#include "modules/catalog/domain/tags.hpp"
#include "modules/catalog/http/read_cache.hpp"

namespace mercato::catalog {

namespace {

using http::Fields;
using http::Request;
using http::Response;
using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

// Clients and proxies may keep a copy but must ask again before using it: stock changes by the
// minute, and with the ETag asking again costs a 304.
constexpr const char* read_cache_control = "public, no-cache";

Response cached_answer(const Request& request, const CachedBody& cached) {
    Response response;
    if (etag_matches(request.header("if-none-match"), cached.etag)) {
        response = Response::no_content(304);
    } else {
        response = Response::text(200, cached.body, "application/json");
    }
    response.set_header("ETag", cached.etag);
    response.set_header("Cache-Control", read_cache_control);
    return response;
}

ProductQuery product_query(const Request& request) {
    ProductQuery q;
    std::vector<FieldError> errors;
    static_cast<ProductFilter&>(q) =
        read_product_filter([&request](const char* name) { return request.query_param(name); }, errors);
    if (auto sort = request.query_param("sort")) {
        if (*sort == "price") q.sort = ProductSort::price;
        else if (*sort == "-price") q.sort = ProductSort::price_desc;
        else if (*sort == "name") q.sort = ProductSort::name;
        else if (*sort != "-created_at") errors.push_back({"sort", "must be one of price, -price, name, -created_at"});
    }
    if (!errors.empty()) throw Problem::unprocessable("the query has invalid parameters", std::move(errors));
    q.limit = http::page_limit(request);
    q.cursor = http::page_cursor(request);
    return q;
}

// A whole number a client may clear: absent, nullopt (the value stays); null, an empty inner value (it
// is cleared); else the number, or nullopt with the field's error kept in f. Fields::clearable's
// counterpart for integers.
std::optional<std::optional<std::int64_t>> clearable_integer(const json& body, Fields& f, const char* name) {
    const auto it = body.find(name);
    if (it == body.end()) return std::nullopt;
    if (it->is_null()) return std::optional<std::int64_t>{};
    const auto value = f.integer(name);
    if (!value) return std::nullopt;
    return std::optional<std::int64_t>{*value};
}

ProductDraft product_draft(const Request& request) {
    Fields f(http::body_object(request));
    ProductDraft d;
    d.sku = f.required("sku");
    d.name = f.required("name");
    d.description = f.optional("description").value_or("");
    d.price = f.required_integer("price");
    d.currency = f.required("currency");
    d.stock = f.required_integer("stock");
    d.category = f.optional("category");
    d.tags = f.strings("tags").value_or(std::vector<std::string>{});
    d.weight_grams = f.integer("weight_grams");  // null or absent: none
    f.check();
    return d;
}

ProductChange product_change(const Request& request) {
    const json& body = http::body_object(request);
    Fields f(body);
    ProductChange c{f.optional("sku"),  f.optional("name"),    f.optional("description"), f.integer("price"),
                    f.optional("currency"), f.integer("stock"), f.clearable("category"), f.strings("tags"),
                    clearable_integer(body, f, "weight_grams")};
    f.check();
    return c;
}

// The listing a query asks for, however it was spelled (parameter order, "Kitchen" or "kitchen",
// parameters the listing ignores): one cache entry each, so a client cannot flood the cache.
std::string listing_key(const ProductQuery& q) {
    return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", q.category.value_or(""), q.tag.value_or(""),
                       q.min_price ? std::to_string(*q.min_price) : "", q.max_price ? std::to_string(*q.max_price) : "",
                       q.in_stock, static_cast<int>(q.sort), q.limit, q.cursor);
}

json category_json(const Category& c) { return {{"slug", c.slug}, {"name", c.name}, {"product_count", c.product_count}}; }

// The product's entry as this read found it, kept unless the product changed since read_at.
std::shared_ptr<const CachedBody> keep_product(ReadCache& cache, const Product& p, ReadCache::Stamp read_at) {
    return cache.store_product(p.id, product_json(p).dump(), read_at);
}

// A kept listing's page, its products not kept read in one query (and kept). nullopt when the listing
// is not kept, when one of its products is gone, or when the listings changed while they were read:
// the full query answers then.
std::optional<CachedBody> page_from_kept(Catalog& catalog, ReadCache& cache, const std::string& key) {
    auto kept = cache.page(key);
    if (!kept) return std::nullopt;
    if (!kept->complete()) {
        const auto& ids = kept->listing->product_ids;
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (!kept->products[i]) missing.push_back(ids[i]);
        }
        const auto read_at = cache.stamp();
        std::unordered_map<std::string, std::shared_ptr<const CachedBody>> read;
        for (const auto& p : catalog.products_by_id(missing)) read[p.id] = keep_product(cache, p, read_at);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (kept->products[i]) continue;
            const auto it = read.find(ids[i]);
            if (it == read.end()) return std::nullopt;
            kept->products[i] = it->second;
        }
        const auto still = cache.page(key);
        if (!still || still->listing != kept->listing) return std::nullopt;
    }
    return listing_body(kept->products, kept->listing->frame);
}

}  // namespace

void register_product_routes(http::Router& router, Catalog& catalog, ReadCache& cache) {
    const auto cached_product = [&cache](const Request& r) -> std::optional<Response> {
        const auto hit = cache.product(std::string(r.path_param("id")));
        if (!hit) return std::nullopt;
        return cached_answer(r, *hit);
    };
    // On the I/O thread only when the listing and every product on it are kept: reading the rest blocks.
    const auto cached_listing = [&cache](const Request& r) -> std::optional<Response> {
        std::optional<KeptPage> kept;
        try {
            kept = cache.page(listing_key(product_query(r)));
        } catch (const Problem&) {
            return std::nullopt;  // the handler answers a bad query with its problem
        }
        if (!kept || !kept->complete()) return std::nullopt;
        return cached_answer(r, listing_body(kept->products, kept->listing->frame));
    };
    router.add("GET", "/v1/products", [&catalog, &cache](Request& r) {
        const auto query = product_query(r);
        const auto key = listing_key(query);
        if (const auto kept = page_from_kept(catalog, cache, key)) return cached_answer(r, *kept);
        const auto read_at = cache.stamp();
        const auto page = catalog.products(query);
        CachedListing listing{{}, page_frame(page.next_cursor)};
        std::vector<std::shared_ptr<const CachedBody>> items;
        for (const auto& p : page.items) {
            listing.product_ids.push_back(p.id);
            items.push_back(keep_product(cache, p, read_at));
        }
        const auto answer = listing_body(items, listing.frame);
        cache.store_listing(key, std::move(listing), read_at);
        return cached_answer(r, answer);
    }, {http::RouteClass::read, http::Execution::worker, cached_listing});

    router.add("GET", "/v1/products/{id}", [&catalog, &cache](Request& r) {
        const std::string id(r.path_param("id"));
        const auto read_at = cache.stamp();
        return cached_answer(r, *keep_product(cache, catalog.product(id), read_at));
    }, {http::RouteClass::read, http::Execution::worker, cached_product});

    router.add("POST", "/v1/products", [&catalog](Request& r) {
        const auto& admin = http::require_role(r, "admin");
        return Response::json(201, product_json(catalog.create_product(product_draft(r), admin.user_id)));
    });

    router.add("PUT", "/v1/products/{id}", [&catalog](Request& r) {
        const auto& admin = http::require_role(r, "admin");
        const std::string id(r.path_param("id"));
        return Response::json(200, product_json(catalog.update_product(id, product_change(r), admin.user_id)));
    });

    router.add("DELETE", "/v1/products/{id}", [&catalog](Request& r) {
        http::require_role(r, "admin");
        catalog.delete_product(std::string(r.path_param("id")));
        return Response::no_content();
    });

    const auto cached_categories = [&cache](const Request& r) -> std::optional<Response> {
        const auto hit = cache.categories();
        if (!hit) return std::nullopt;
        return cached_answer(r, *hit);
    };
    router.add("GET", "/v1/categories", [&catalog, &cache](Request& r) {
        const auto read_at = cache.stamp();
        json items = json::array();
        for (const auto& c : catalog.categories()) items.push_back(category_json(c));
        const json list{{"items", std::move(items)}};
        return cached_answer(r, *cache.store_categories(list.dump(-1, ' ', false, json::error_handler_t::replace), read_at));
    }, {http::RouteClass::read, http::Execution::worker, cached_categories});

    router.add("POST", "/v1/categories", [&catalog](Request& r) {
        http::require_role(r, "admin");
        Fields f(http::body_object(r));
        const auto name = f.required("name");
        const auto slug = f.optional("slug");
        f.check();
        return Response::json(201, category_json(catalog.create_category(name, slug)));
    });
}

}  // namespace mercato::catalog
