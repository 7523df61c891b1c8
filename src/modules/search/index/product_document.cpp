#include "modules/search/index/product_document.hpp"

#include <algorithm>

namespace mercato::search {

namespace {

// A match in the name counts as much as five in the description, so a product called what the
// shopper typed comes before one that merely mentions it; category and tags sit between.
constexpr Xapian::termcount name_weight = 5;
constexpr Xapian::termcount label_weight = 2;

std::string words_of_slug(std::string slug) {
    std::replace(slug.begin(), slug.end(), '-', ' ');
    return slug;
}

}  // namespace

const std::string id_prefix = "Q";
const std::string in_stock_term = "XS";

std::string id_term(std::string_view product_id) { return id_prefix + std::string(product_id); }
std::string category_term(std::string_view slug) { return "XC" + std::string(slug); }
std::string tag_term(std::string_view tag) { return "XT" + std::string(tag); }

Xapian::Document product_document(const IndexedProduct& p, Xapian::TermGenerator& terms) {
    Xapian::Document doc;
    terms.set_document(doc);
    terms.index_text(p.name, name_weight);
    terms.increase_termpos();
    terms.index_text(p.description);
    terms.increase_termpos();
    if (p.category) terms.index_text(words_of_slug(*p.category), label_weight);
    for (const auto& tag : p.tags) {
        terms.increase_termpos();
        terms.index_text(words_of_slug(tag), label_weight);
    }
    doc.add_boolean_term(id_term(p.id));
    if (p.category) doc.add_boolean_term(category_term(*p.category));
    for (const auto& tag : p.tags) doc.add_boolean_term(tag_term(tag));
    if (p.stock > 0) doc.add_boolean_term(in_stock_term);

    std::string joined_tags;
    for (const auto& tag : p.tags) {
        if (!joined_tags.empty()) joined_tags += '\n';
        joined_tags += tag;
    }
    doc.add_value(price_slot, Xapian::sortable_serialise(static_cast<double>(p.price)));
    doc.add_value(category_slot, p.category.value_or(""));
    doc.add_value(tags_slot, joined_tags);
    doc.add_value(product_slot, encode(p));
    // Id, currency and price hold no newline; the name, last, may.
    doc.set_data(p.id + '\n' + p.currency + '\n' + std::to_string(p.price) + '\n' + p.name);
    return doc;
}

SearchHit shown_product(const std::string& data) {
    SearchHit hit;
    const auto currency_at = data.find('\n') + 1;
    const auto price_at = data.find('\n', currency_at) + 1;
    const auto name_at = data.find('\n', price_at) + 1;
    hit.id = data.substr(0, currency_at - 1);
    hit.currency = data.substr(currency_at, price_at - currency_at - 1);
    hit.price = std::stoll(data.substr(price_at, name_at - price_at - 1));
    hit.name = data.substr(name_at);
    return hit;
}

bool is_plain_word(std::string_view term) { return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z'); }

}  // namespace mercato::search
