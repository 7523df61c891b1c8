// How a product becomes a Xapian document: which words are weighted how, the boolean terms the
// filters use, and the value slots that sorting and facets read.
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

#include "modules/search/api/search.hpp"
#include "modules/search/index/indexed_product.hpp"

namespace mercato::search {

inline constexpr Xapian::valueno price_slot = 0;     // sortable_serialise(price)
inline constexpr Xapian::valueno category_slot = 1;  // slug, "" for none
inline constexpr Xapian::valueno tags_slot = 2;      // tags joined by '\n'
// The whole product (encode()), which a stock change rebuilds the document from. Searches never
// read it: the document's data holds just what a hit shows, cheaper to read than JSON.
inline constexpr Xapian::valueno product_slot = 3;

// The unique term of a product's document.
std::string id_term(std::string_view product_id);
// Boolean filter terms.
std::string category_term(std::string_view slug);
std::string tag_term(std::string_view tag);
extern const std::string in_stock_term;
// The prefix every id term starts with: the index's products are the terms under it.
extern const std::string id_prefix;

// terms must carry the index's stemmer; its document is replaced.
Xapian::Document product_document(const IndexedProduct& product, Xapian::TermGenerator& terms);

// A hit as a search answer shows it (score 0), from the data of the product's document.
SearchHit shown_product(const std::string& data);

// Words as a reader typed them (not stems, not boolean terms): what spelling suggestions draw on.
bool is_plain_word(std::string_view term);

}  // namespace mercato::search
