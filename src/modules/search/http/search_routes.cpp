#include "modules/search/http/search_routes.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "http/access.hpp"
#include "http/json_fields.hpp"
#include "http/list_params.hpp"
#include "http/router.hpp"
#include "kernel/problem.hpp"
#include "modules/search/api/search.hpp"
#include "modules/search/http/answer_cache.hpp"
#include "modules/search/http/answer_json.hpp"

namespace mercato::search {

namespace {

using http::Request;
using http::Response;
using nlohmann::json;

// Ids named in one reindex request, at most: more is a whole rebuild.
constexpr std::size_t max_reindex_ids = 1'000;

SearchQuery search_query(const Request& request) {
    std::vector<kernel::FieldError> errors;
    SearchQuery q;
    static_cast<catalog::ProductFilter&>(q) =
        catalog::read_product_filter([&request](const char* name) { return request.query_param(name); }, errors);
    q.text = std::string(request.query_param("q").value_or(""));
    if (const auto sort = request.query_param("sort")) {
        if (*sort == "price") q.sort = SearchSort::price;
        else if (*sort == "-price") q.sort = SearchSort::price_desc;
        else if (*sort != "relevance") errors.push_back({"sort", "must be one of relevance, price, -price"});
    }
    if (const auto offset = request.query_param("offset")) {
        const auto [end, ec] = std::from_chars(offset->data(), offset->data() + offset->size(), q.offset);
        if (ec != std::errc() || end != offset->data() + offset->size() || q.offset > exact_count_limit) {
            errors.push_back({"offset", "must be a whole number from 0 to 10000"});
        }
    }
    if (!errors.empty()) throw kernel::Problem::unprocessable("the query has invalid parameters", std::move(errors));
    q.limit = http::page_limit(request);
    return q;
}

// {product_ids: [...]} names products; no body (or no field) asks for everything.
std::optional<std::vector<std::string>> reindex_scope(const Request& request) {
    if (request.body.empty()) return std::nullopt;
    const json& body = http::body_with(request, {"product_ids"});
    http::Fields f(body);
    auto ids = f.strings("product_ids");
    f.check();
    if (!ids) return std::nullopt;
    if (ids->empty() || ids->size() > max_reindex_ids) {
        kernel::check_fields({{"product_ids", "must name 1 to 1000 products; leave it out to reindex them all"}});
    }
    for (const auto& id : *ids) {
        if (id.empty() || id.size() > 64) kernel::check_fields({{"product_ids", "must hold product ids"}});
    }
    return ids;
}

}  // namespace

void register_search_routes(http::Router& router, Search& search, AnswerCache& answers) {
    // A search answered since the index last changed is answered again on the I/O thread.
    const auto cached = [&search, &answers](const Request& r) -> std::optional<Response> {
        try {
            if (const auto body = answers.find(AnswerCache::key(search_query(r)), search.revision())) {
                return Response::text(200, *body, "application/json");
            }
        } catch (const kernel::Problem&) {
            // The handler answers a bad query with its problem.
        }
        return std::nullopt;
    };
    router.add("GET", "/v1/search", [&search, &answers](Request& r) {
        const auto query = search_query(r);
        const auto revision = search.revision();
        const auto body = std::make_shared<const std::string>(answer_json(search.search(query)));
        answers.store(AnswerCache::key(query), body, revision);
        return Response::text(200, *body, "application/json");
    }, {http::RouteClass::read, http::Execution::worker, cached});

    router.add("POST", "/v1/search/index", [&search](Request& r) {
        http::require_role(r, "admin");
        const auto ids = reindex_scope(r);
        search.request_reindex(ids);
        json answer{{"status", "accepted"}, {"scope", ids ? "products" : "all"}};
        if (ids) answer["product_ids"] = *ids;
        return Response::json(202, answer);
    });
}

}  // namespace mercato::search
