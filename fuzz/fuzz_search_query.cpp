// Fuzzes search query parsing: the input is what a client types into the search box, cleaned by the
// search module and parsed by Xapian's QueryParser (phrases, love/hate, partial words, spelling
// correction) against a small index of the shop's products. A query may be refused with 422 only,
// and an answer must be self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kernel/problem.hpp"
#include "modules/search/api/search.hpp"
#include "support/fuzz_shop.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_search_query: %s\nquery: %.*s\n", what, static_cast<int>(text.size()), text.data());
    std::abort();
}

struct Target {
    mercato::fuzz::FuzzShop shop;

    Target() {
        const char* products[][4] = {
            {"KET-2", "Stainless steel kettle", "Boils water fast; a whistle tells you when", "kitchen"},
            {"MUG-1", "Stoneware coffee mug", "Holds 350 ml of coffee or tea", "kitchen"},
            {"HAT-1", "Wool winter hat", "Knitted merino wool, one size", "clothing"},
            {"LMP-1", "Desk lamp with dimmer", "Warm LED light for reading late", "home"},
        };
        for (const auto& [sku, name, description, category] : products) {
            const nlohmann::json product{{"sku", sku},   {"name", name},  {"description", description}, {"category", category},
                                         {"tags", {category, "fuzz"}}, {"price", 1999}, {"currency", "EUR"}, {"stock", 10}};
            const auto reply = shop.send_as_admin("POST", "/v1/products", product.dump());
            if (reply.status != 201) fail("a product could not be made", reply.body);
        }
        shop.app().search()->reindex();
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Target target;
    mercato::search::SearchQuery query;
    query.text.assign(reinterpret_cast<const char*>(data), size);
    try {
        const auto result = target.shop.app().search()->search(query);
        if (result.items.size() > query.limit) fail("more hits than the limit", query.text);
        if (result.total < static_cast<std::int64_t>(result.items.size())) fail("a total below the hits shown", query.text);
    } catch (const mercato::kernel::Problem& problem) {
        if (problem.status() != 422) fail("refused with a status other than 422", query.text);
    }
    return 0;
}
