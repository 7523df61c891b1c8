// The search index's in-memory side over a small real Xapian index: answers narrowed from a kept
// match set against Xapian's own with every filter, and the product tables and match sets kept per
// revision of the index.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xapian.h>

#include "modules/search/index/match_cache.hpp"
#include "modules/search/index/matching.hpp"
#include "modules/search/index/narrowed_search.hpp"
#include "modules/search/index/product_document.hpp"
#include "modules/search/index/product_tables.hpp"
#include "support/test_paths.hpp"

using mercato::search::IndexedProduct;
using mercato::search::Match;
using mercato::search::MatchCache;
using mercato::search::Matches;
using mercato::search::ProductTable;
using mercato::search::ProductTables;
using mercato::search::SearchQuery;
using mercato::search::SearchResult;
using mercato::search::SearchSort;

namespace {

// An index in a folder of the test's, written through product_document as the module writes it.
struct Index {
    Index() : writer(dir.str(), Xapian::DB_CREATE_OR_OVERWRITE) { terms.set_stemmer(Xapian::Stem("english")); }

    void put(const IndexedProduct& p) {
        writer.replace_document(mercato::search::id_term(p.id), mercato::search::product_document(p, terms));
    }

    mercato::test::TempDir dir;
    Xapian::WritableDatabase writer;
    Xapian::TermGenerator terms;
};

// Forty products with ties of weight (same name and description) and of price, some out of stock,
// some without a category or tags.
void stock_catalog(Index& index) {
    const std::vector<std::string> categories{"lighting", "furniture", "kitchen"};
    const std::vector<std::string> tags{"brass", "oak", "gift", "sale"};
    for (int i = 0; i < 40; ++i) {
        IndexedProduct p;
        p.id = fmt::format("prd_{:02}", i);
        p.name = i % 3 == 0 ? "Desk Lamp" : i % 3 == 1 ? "Lamp Shade" : "Oak Desk";
        p.description = std::string(i % 4 == 0 ? "A lamp for a desk, a lamp for reading." : "Solid work.");
        p.price = 1000 + 250 * (i % 7);
        p.currency = "EUR";
        p.stock = i % 5 == 0 ? 0 : i;
        if (i % 8 != 7) p.category = categories[static_cast<std::size_t>(i) % categories.size()];
        for (std::size_t t = 0; t < tags.size(); ++t) {
            if ((i >> t) % 2 == 1) p.tags.push_back(tags[t]);
        }
        index.put(p);
    }
    index.writer.commit();
}

std::string shown(const SearchResult& r) {
    std::string out = fmt::format("total {} exact {}\n", r.total, r.total_exact);
    for (const auto& hit : r.items) out += fmt::format("{} {} {} {} {:.17g}\n", hit.id, hit.name, hit.price, hit.currency, hit.score);
    for (const auto& [name, count] : r.categories) out += fmt::format("category {} {}\n", name, count);
    for (const auto& [name, count] : r.tags) out += fmt::format("tag {} {}\n", name, count);
    for (const auto& range : r.prices) out += fmt::format("price {}-{} {}\n", range.from, range.to, range.count);
    return out;
}

}  // namespace

TEST_CASE("a search narrowed from its words' kept match set answers as Xapian does with every filter in the query") {
    Index index;
    stock_catalog(index);
    Xapian::Database db(index.dir.str());
    const ProductTable table(db);

    const std::vector<std::pair<std::string, Xapian::Query>> words{
        {"every product", Xapian::Query(std::string())},
        {"lamp", Xapian::Query("lamp")},
        {"lamp or oak", Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("lamp"), Xapian::Query("oak"))}};
    const std::vector<std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>>> prices{
        {std::nullopt, std::nullopt}, {1500, std::nullopt}, {std::nullopt, 1750}, {1250, 2000}, {2000, 1000}};
    const std::vector<std::pair<std::size_t, std::size_t>> pages{{0, 20}, {3, 5}, {35, 10}};
    int compared = 0;
    for (const auto& [label, query] : words) {
        for (const auto& category : {std::optional<std::string>(), std::optional<std::string>("lighting")}) {
            for (const auto& tag : {std::optional<std::string>(), std::optional<std::string>("brass")}) {
                const auto matches = mercato::search::whole_match(db, query, [&] {
                    SearchQuery q;
                    q.category = category;
                    q.tag = tag;
                    return q;
                }());
                REQUIRE(matches);
                for (const bool in_stock : {false, true}) {
                    for (const auto& [min_price, max_price] : prices) {
                        for (const auto sort : {SearchSort::relevance, SearchSort::price, SearchSort::price_desc}) {
                            for (const auto& [offset, limit] : pages) {
                                SearchQuery q;
                                q.category = category;
                                q.tag = tag;
                                q.in_stock = in_stock;
                                q.min_price = min_price;
                                q.max_price = max_price;
                                q.sort = sort;
                                q.offset = offset;
                                q.limit = limit;
                                CAPTURE(label);
                                CAPTURE(category.value_or("-"));
                                CAPTURE(tag.value_or("-"));
                                CAPTURE(in_stock);
                                CAPTURE(min_price.value_or(-1));
                                CAPTURE(max_price.value_or(-1));
                                CAPTURE(static_cast<int>(sort));
                                CAPTURE(offset);
                                const auto expected = mercato::search::matched_with_filters(db, query, q, table, true);
                                CHECK(shown(mercato::search::narrowed_search(*matches, table, q, true)) == shown(expected));
                                ++compared;
                            }
                        }
                    }
                }
            }
        }
    }
    CHECK(compared == 3 * 2 * 2 * 2 * 5 * 3 * 3);
}

TEST_CASE("a match set larger than the limit is not taken whole") {
    Index index;
    stock_catalog(index);
    Xapian::Database db(index.dir.str());
    const Xapian::Query everything{std::string()};
    CHECK_FALSE(mercato::search::whole_match(db, everything, SearchQuery{}, 39));
    const auto all = mercato::search::whole_match(db, everything, SearchQuery{}, 40);
    REQUIRE(all);
    CHECK(all->size() == 40);
}

TEST_CASE("the product table is read again when a commit moves the index on, and kept while it stays") {
    Index index;
    stock_catalog(index);
    ProductTables tables;
    Xapian::Database reader(index.dir.str());
    Xapian::Database behind(index.dir.str());
    const auto first = tables.at(reader);
    CHECK(tables.at(reader) == first);
    const auto lamp_id = *reader.postlist_begin(mercato::search::id_term("prd_00"));
    const auto* lamp = first->row(lamp_id);
    REQUIRE(lamp != nullptr);
    REQUIRE(lamp->category != ProductTable::none);
    CHECK(first->categories()[lamp->category] == "lighting");

    IndexedProduct moved{"prd_00", "Desk Lamp", "", 999, "EUR", 3, std::string("garden"), {}};
    index.put(moved);
    index.writer.commit();
    reader.reopen();
    const auto second = tables.at(reader);
    CHECK(second != first);
    CHECK(second->revision() == reader.get_revision());
    const auto* now = second->row(lamp_id);  // a replaced document keeps its id
    REQUIRE(now != nullptr);
    CHECK(second->categories()[now->category] == "garden");
    CHECK(now->hit.price == 999);
    CHECK(now->in_stock);

    // A reader borrowed before the commit still reads its own revision, without displacing the newest.
    const auto old = tables.at(behind);
    CHECK(old->revision() == first->revision());
    CHECK(old->categories()[old->row(lamp_id)->category] == "lighting");
    CHECK(tables.at(reader) == second);
}

TEST_CASE("kept match sets are dropped when the index's revision moves, and a set read at an older one is not kept") {
    MatchCache cache(10);
    const auto three = std::make_shared<const Matches>(Matches{{1, 2.5}, {2, 1.0}, {3, 1.0}});
    const auto key = MatchCache::key("lamp", SearchQuery{});
    cache.store(5, key, three);
    CHECK(cache.find(5, key) == three);
    CHECK_FALSE(cache.find(5, MatchCache::key("lamps", SearchQuery{})));
    CHECK_FALSE(cache.find(6, key));

    cache.store(6, MatchCache::key("oak", SearchQuery{}), three);
    CHECK_FALSE(cache.find(5, key));  // the revision moved: revision 5's sets are gone
    cache.store(5, key, three);
    CHECK_FALSE(cache.find(5, key));  // read at an older revision than those kept
    CHECK(cache.find(6, MatchCache::key("oak", SearchQuery{})) == three);
}

TEST_CASE("a match set is kept by its words, category and tag, up to a number of matches over all sets") {
    MatchCache cache(5);
    SearchQuery lighting;
    lighting.category = "lighting";
    SearchQuery brass;
    brass.tag = "brass";
    CHECK(MatchCache::key("lamp", lighting) != MatchCache::key("lamp", brass));
    CHECK(MatchCache::key("lamp", lighting) != MatchCache::key("lamp", SearchQuery{}));

    const auto three = std::make_shared<const Matches>(Matches{{1, 1}, {2, 1}, {3, 1}});
    const auto six = std::make_shared<const Matches>(Matches(6, Match{1, 1}));
    cache.store(1, MatchCache::key("big", SearchQuery{}), six);
    CHECK_FALSE(cache.find(1, MatchCache::key("big", SearchQuery{})));  // larger than everything kept
    cache.store(1, MatchCache::key("lamp", lighting), three);
    cache.store(1, MatchCache::key("lamp", brass), three);  // 6 > 5: the cache starts over
    CHECK_FALSE(cache.find(1, MatchCache::key("lamp", lighting)));
    CHECK(cache.find(1, MatchCache::key("lamp", brass)) == three);
}
