// Every product of one revision of the index as a search reads it, held in memory: its price, stock,
// category, tags and what a hit shows. Reading a value or a document's data through Xapian costs a
// B-tree lookup and a block read each, which made counting facets most of a search's time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <xapian.h>

#include "modules/search/api/search.hpp"

namespace mercato::search {

class ProductTable {
public:
    // An index into categories() or tag_names(); none: a product without a category.
    using Name = std::uint32_t;
    static constexpr Name none = UINT32_MAX;

    struct Row {
        SearchHit hit;  // score 0
        Name category = none;
        std::uint32_t tags_from = 0;  // its tags are tag_ids_[tags_from, tags_to)
        std::uint32_t tags_to = 0;
        bool in_stock = false;
    };

    // Reads db at its current revision. Throws what Xapian throws, such as DatabaseModifiedError when
    // the writer overwrote that revision meanwhile.
    explicit ProductTable(Xapian::Database& db);

    Xapian::rev revision() const { return revision_; }
    // nullptr for a document id the revision does not hold.
    const Row* row(Xapian::docid id) const { return id < present_.size() && present_[id] ? &rows_[id] : nullptr; }
    std::span<const Name> tags(const Row& row) const {
        return std::span<const Name>(tag_ids_).subspan(row.tags_from, row.tags_to - row.tags_from);
    }
    const std::vector<std::string>& categories() const { return categories_; }
    const std::vector<std::string>& tag_names() const { return tag_names_; }

private:
    Xapian::rev revision_;
    std::vector<Row> rows_;  // by document id
    std::vector<bool> present_;
    std::vector<Name> tag_ids_;
    std::vector<std::string> categories_;
    std::vector<std::string> tag_names_;
};

}  // namespace mercato::search
