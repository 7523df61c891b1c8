// The search routes' answers without a server: the JSON text written straight from a result, and the
// kept answers' bound.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "modules/search/http/answer_cache.hpp"
#include "modules/search/http/answer_json.hpp"

using mercato::search::AnswerCache;
using mercato::search::answer_json;
using mercato::search::SearchResult;
using nlohmann::json;

namespace {

// The answer as a JSON document built of the result would dump it: the text clients have always had.
std::string as_document(const SearchResult& r) {
    json items = json::array();
    for (const auto& hit : r.items) {
        items.push_back({{"id", hit.id}, {"name", hit.name}, {"price", hit.price}, {"currency", hit.currency}, {"score", hit.score}});
    }
    json prices = json::array();
    for (const auto& range : r.prices) prices.push_back({{"from", range.from}, {"to", range.to}, {"count", range.count}});
    json out{{"items", std::move(items)},
             {"total", r.total},
             {"total_exact", r.total_exact},
             {"facets", {{"category", r.categories}, {"tags", r.tags}, {"price", std::move(prices)}}}};
    if (r.did_you_mean) out["did_you_mean"] = *r.did_you_mean;
    return out.dump();
}

}  // namespace

TEST_CASE("a search answer's text is the one its JSON document dumps, escapes and numbers included") {
    SearchResult r;
    CHECK(answer_json(r) == as_document(r));  // nothing found, no facets

    r.items = {{"prd_1", "Lamp \"Aurora\" \\ 30\u00b0 \t\x01 日本", 4900, "EUR", 17.40886502377063},
               {"prd_2", "Shade", -5, "USD", 0.0},
               {"prd_3", "Tiny", 1, "EUR", 1e-7},
               {"prd_4", "Huge", 9'000'000'000'000, "EUR", 123456789012345678.0}};
    r.total = 12'345;
    r.total_exact = false;
    r.categories = {{"lighting", 2}, {"b\"ad\n", 1}};
    r.tags = {{"brass", 3}};
    r.prices = {{0, 1000, 1}, {4000, 5000, 2}};
    r.did_you_mean = "lamp \x7f shade";
    CHECK(answer_json(r) == as_document(r));
    CHECK(json::parse(answer_json(r))["items"][0]["name"] == r.items[0].name);
}

TEST_CASE("kept answers are bounded by their size, and the cache starts over when it is full") {
    AnswerCache cache(100);
    const auto body = [](std::size_t n) { return std::make_shared<const std::string>(n, 'x'); };
    cache.store("a", body(40), 1);
    cache.store("b", body(40), 1);
    CHECK(cache.find("a", 1));
    CHECK(cache.find("b", 1));
    CHECK_FALSE(cache.find("a", 2));  // another revision of the index

    cache.store("a", body(10), 1);  // replacing an answer counts only the new one
    cache.store("c", body(40), 1);
    CHECK(cache.find("c", 1));
    CHECK(cache.find("a", 1));

    cache.store("d", body(40), 1);  // over 100 bytes: emptied first
    CHECK(cache.find("d", 1));
    CHECK_FALSE(cache.find("a", 1));
    CHECK_FALSE(cache.find("b", 1));

    cache.store("e", body(200), 1);  // larger than the whole cache: not kept, and nothing dropped for it
    CHECK_FALSE(cache.find("e", 1));
    CHECK(cache.find("d", 1));
}
