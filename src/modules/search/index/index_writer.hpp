// The one writer of a search index: applies product changes, keeps the spelling dictionary in step
// with the documents, records how far into the catalog's log the index is, and commits. Not
// thread-safe: its owner serialises the calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "modules/search/index/indexed_product.hpp"

namespace mercato::search {

class IndexWriter {
public:
    // Opens the index in dir, or makes it. An index of another format or language, or one that is
    // damaged, is emptied (the caller rebuilds it). sync: whether commits are flushed to disk.
    IndexWriter(const std::string& dir, const std::string& language, bool sync);

    void upsert(const IndexedProduct& product);
    void remove(const std::string& product_id);
    // A product's stock changed: only whether it is in stock matters to the index.
    void set_stock(const std::string& product_id, std::int64_t stock);
    std::vector<std::string> product_ids();

    // The offset of the catalog's log this index has applied; nullopt for an index never built.
    std::optional<std::int64_t> position() const { return position_; }
    void set_position(std::int64_t offset);

    // Makes the changes so far visible to readers (and durable); false when there were none.
    bool commit();

private:
    // Keeps the spelling dictionary a count of documents per word, so an index built change by
    // change suggests what one rebuilt from scratch would.
    void count_words(const Xapian::Document& doc, bool add);
    std::optional<Xapian::Document> stored(const std::string& product_id);

    Xapian::WritableDatabase db_;
    Xapian::TermGenerator terms_;
    std::optional<std::int64_t> position_;
    bool dirty_ = false;
};

}  // namespace mercato::search
