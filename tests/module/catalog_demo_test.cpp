// The demo catalog `mercato seed --demo` loads: repeatable, varied, and valid for the catalog.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "modules/catalog/api/demo_catalog.hpp"
#include "modules/catalog/domain/product_rules.hpp"
#include "modules/catalog/domain/tags.hpp"

using namespace mercato::catalog;

namespace {

bool same(const ProductDraft& a, const ProductDraft& b) {
    return a.sku == b.sku && a.name == b.name && a.description == b.description && a.price == b.price &&
           a.currency == b.currency && a.stock == b.stock && a.category == b.category && a.tags == b.tags;
}

// The product as create_product would write it, for the catalog's own rules to judge.
Product as_product(const ProductDraft& draft) {
    Product product;
    product.sku = draft.sku;
    product.name = draft.name;
    product.description = draft.description;
    product.price = draft.price;
    product.currency = draft.currency;
    product.stock = draft.stock;
    product.category = draft.category;
    product.tags = draft.tags;
    return product;
}

}  // namespace

TEST_CASE("the demo catalog is the same on every run") {
    const auto first = demo_catalog(500);
    const auto second = demo_catalog(500);
    REQUIRE(first.size() == 500);
    REQUIRE(second.size() == 500);
    for (std::size_t i = 0; i < first.size(); ++i) CHECK_MESSAGE(same(first[i], second[i]), "product ", i);
}

// Two calls in one process cannot tell a generator that depends on the standard library from a fixed
// one; values pinned here can. Editing the generator's vocabulary changes them: update them then only.
TEST_CASE("the demo catalog is the same on every machine") {
    const auto products = demo_catalog(3);
    REQUIRE(products.size() == 3);
    CHECK(products[0].sku == "HOM-000001");
    CHECK(products[0].name == "Nordic Wool Cushion Cover, 50 x 50 cm");
    CHECK(products[0].price == 1949);
    CHECK(products[0].stock == 244);
    CHECK(products[1].sku == "SPO-000002");
    CHECK(products[1].name == "Power Tennis Racket, Grip 2, White");
    CHECK(products[1].price == 5949);
    CHECK(products[2].sku == "OFF-000003");
    CHECK(products[2].name == "Nordic Powder-Coated Steel Desk Lamp");
    CHECK(products[2].tags == std::vector<std::string>{"lighting", "office", "productivity", "desk-setup"});
}

TEST_CASE("a smaller demo catalog is the start of a larger one") {
    const auto small = demo_catalog(100);
    const auto large = demo_catalog(1000);
    REQUIRE(small.size() == 100);
    for (std::size_t i = 0; i < small.size(); ++i) CHECK_MESSAGE(same(small[i], large[i]), "product ", i);
}

TEST_CASE("an empty demo catalog has no products") { CHECK(demo_catalog(0).empty()); }

TEST_CASE("demo skus are unique") {
    const auto products = demo_catalog(1000);
    std::set<std::string> skus;
    for (const auto& product : products) skus.insert(product.sku);
    CHECK(skus.size() == products.size());
}

TEST_CASE("a large demo catalog is made in full with unique skus") {
    const auto products = demo_catalog(100'000);
    REQUIRE(products.size() == 100'000);
    std::set<std::string> skus;
    for (const auto& product : products) skus.insert(product.sku);
    CHECK(skus.size() == products.size());
}

TEST_CASE("the demo catalog spreads over at least ten categories") {
    std::set<std::string> categories;
    for (const auto& product : demo_catalog(1000)) {
        REQUIRE(product.category.has_value());
        categories.insert(*product.category);
    }
    CHECK(categories.size() >= 10);
}

TEST_CASE("every demo product is one the catalog accepts") {
    for (const auto& draft : demo_catalog(1000)) {
        CAPTURE(draft.sku);
        auto product = as_product(draft);
        for (const auto& problem : product_problems(product)) FAIL_CHECK(problem.field << ": " << problem.message);
        CHECK(product.tags == draft.tags);  // already slugs, distinct: the catalog keeps them as given
        REQUIRE(draft.category.has_value());
        CHECK(category_slug(*draft.category).has_value());
        CHECK(!draft.description.empty());
        CHECK(draft.currency == "EUR");
        CHECK(draft.price > 0);
        CHECK((draft.price % 100 == 99 || draft.price % 100 == 49 || draft.price % 100 == 0));
        CHECK(draft.stock >= 0);
        CHECK(draft.stock <= 250);
        CHECK(draft.tags.size() >= 2);
        CHECK(draft.tags.size() <= 4);
        for (const auto& tag : draft.tags) CHECK_MESSAGE(is_slug(tag, max_tag_length), tag);
    }
}

TEST_CASE("some but not all demo products are out of stock") {
    const auto products = demo_catalog(1000);
    const auto sold_out = std::count_if(products.begin(), products.end(), [](const auto& p) { return p.stock == 0; });
    CHECK(sold_out > 0);
    CHECK(sold_out < 1000);
}

TEST_CASE("demo product names are mostly distinct") {
    std::set<std::string> names;
    for (const auto& product : demo_catalog(1000)) names.insert(product.name);
    CHECK(names.size() >= 900);
}
