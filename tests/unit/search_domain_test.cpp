// The search module's rules without an index: what query text is searched, and how prices fall into ranges.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kernel/problem.hpp"
#include "modules/search/domain/price_ranges.hpp"
#include "modules/search/domain/query_text.hpp"

using mercato::kernel::Problem;
using mercato::search::clean_query_text;
using mercato::search::price_ranges;
using mercato::search::PriceRange;

namespace {

std::string refusal(const std::string& text) {
    try {
        clean_query_text(text);
    } catch (const Problem& p) {
        REQUIRE(p.status() == 422);
        REQUIRE(p.errors().size() == 1);
        CHECK(p.errors()[0].field == "q");
        return p.errors()[0].message;
    }
    return "";
}

}  // namespace

TEST_CASE("query text keeps words and UTF-8 as typed, turns control characters into spaces, and blank text into none") {
    CHECK(clean_query_text("Brass Lamp") == "Brass Lamp");
    CHECK(clean_query_text("Crème brûlée 日本") == "Crème brûlée 日本");
    CHECK(clean_query_text(std::string("desk\0lamp\n\t\x7f", 12)) == "desk lamp   ");
    CHECK(clean_query_text("   ") == "");
    CHECK(clean_query_text(std::string("\x01\x02", 2)) == "");
}

TEST_CASE("query text that is not UTF-8 or longer than 200 characters is refused on q") {
    CHECK(refusal("\xff\xfe") == "is not valid UTF-8");
    CHECK(refusal("lamp \xc3") == "is not valid UTF-8");            // cut short
    CHECK(refusal("\xc0\xaf") == "is not valid UTF-8");             // overlong '/'
    CHECK(refusal("\xed\xa0\x80") == "is not valid UTF-8");         // a surrogate
    CHECK(refusal("\xf4\x90\x80\x80") == "is not valid UTF-8");     // past U+10FFFF
    CHECK(refusal(std::string(201, 'a')) == "must be at most 200 characters");
    CHECK(refusal(std::string(10 * 1024, 'a')) == "must be at most 200 characters");
    std::string two_hundred_accents;
    for (int i = 0; i < 200; ++i) two_hundred_accents += "é";  // 400 bytes, 200 characters
    CHECK(clean_query_text(two_hundred_accents) == two_hundred_accents);
}

TEST_CASE("price ranges have one round width, cover every price, and leave out empty ones") {
    CHECK(price_ranges({}).empty());
    CHECK(price_ranges({1500}) == std::vector<PriceRange>{{1500, 1501, 1}});
    CHECK(price_ranges({900, 1200, 1999, 4500}) ==
          std::vector<PriceRange>{{0, 1000, 1}, {1000, 2000, 2}, {4000, 5000, 1}});
    const auto wide = price_ranges({100, 2500, 9999, 10'000, 49'999});
    REQUIRE(!wide.empty());
    CHECK(wide.size() <= mercato::search::max_price_ranges);
    CHECK(wide == std::vector<PriceRange>{{0, 10'000, 3}, {10'000, 20'000, 1}, {40'000, 50'000, 1}});
}
