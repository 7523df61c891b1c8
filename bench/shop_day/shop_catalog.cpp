// Reads the shop's catalog through the API, as a customer would see it, to draw the load's products and queries from.
#include "shop_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "query.hpp"

namespace shop_day {

namespace {

nlohmann::json get_json(Connection& connection, const std::string& target) {
    const auto answer = connection.send("GET", target);
    if (answer.status != 200) {
        throw std::runtime_error(fmt::format("GET {} answered {} {:.200}", target, answer.status,
                                             answer.status ? answer.body : connection.error()));
    }
    return nlohmann::json::parse(answer.body);
}

// Words of two letters or fewer ("of", sizes' "L") would match most of the catalog or nothing.
void add_words(std::set<std::string>& words, const std::string& name) {
    std::string word;
    for (const char c : name + ' ') {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            if (word.size() > 2) words.insert(word);
            word.clear();
        }
    }
}

}  // namespace

ShopCatalog read_catalog(Connection& connection) {
    ShopCatalog catalog;
    std::set<std::string> tags;
    std::set<std::string> words;
    std::string cursor;
    do {
        auto page = get_json(connection, "/v1/products?limit=100" + (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
        for (const auto& product : page.at("items")) {
            catalog.product_ids.push_back(product.at("id").get<std::string>());
            add_words(words, product.at("name").get<std::string>());
            for (const auto& tag : product.at("tags")) tags.insert(tag.get<std::string>());
        }
        cursor = page.at("next_cursor").is_string() ? page.at("next_cursor").get<std::string>() : "";
    } while (!cursor.empty());

    const auto categories = get_json(connection, "/v1/categories");
    for (const auto& category : categories.at("items")) {
        if (category.at("product_count").get<long>() > 0) catalog.categories.push_back(category.at("slug").get<std::string>());
    }
    catalog.tags.assign(tags.begin(), tags.end());
    catalog.words.assign(words.begin(), words.end());
    if (catalog.product_ids.empty() || catalog.categories.empty() || catalog.words.empty()) {
        throw std::runtime_error("the shop has no products to browse");
    }
    return catalog;
}

}  // namespace shop_day
