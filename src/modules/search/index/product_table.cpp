#include "modules/search/index/product_table.hpp"

#include <string_view>
#include <unordered_map>

#include "modules/search/index/product_document.hpp"

namespace mercato::search {

namespace {

// Numbers names in the order they are first seen.
class Names {
public:
    explicit Names(std::vector<std::string>& names) : names_(names) {}
    ProductTable::Name operator[](std::string_view name) {
        const auto [it, added] = ids_.try_emplace(std::string(name), static_cast<ProductTable::Name>(names_.size()));
        if (added) names_.emplace_back(name);
        return it->second;
    }

private:
    std::vector<std::string>& names_;
    std::unordered_map<std::string, ProductTable::Name> ids_;
};

}  // namespace

ProductTable::ProductTable(Xapian::Database& db)
    : revision_(db.get_revision()), rows_(db.get_lastdocid() + 1), present_(rows_.size()) {
    // Every product has a price: the slot tells which document ids are products.
    for (auto v = db.valuestream_begin(price_slot); v != db.valuestream_end(price_slot); ++v) {
        const auto id = v.get_docid();
        present_[id] = true;
        rows_[id].hit = shown_product(db.get_document(id, Xapian::DOC_ASSUME_VALID).get_data());
    }
    for (auto p = db.postlist_begin(in_stock_term); p != db.postlist_end(in_stock_term); ++p) rows_[*p].in_stock = true;
    Names categories(categories_);
    for (auto v = db.valuestream_begin(category_slot); v != db.valuestream_end(category_slot); ++v) {
        rows_[v.get_docid()].category = categories[*v];
    }
    Names tags(tag_names_);
    for (auto v = db.valuestream_begin(tags_slot); v != db.valuestream_end(tags_slot); ++v) {
        auto& row = rows_[v.get_docid()];
        const std::string joined = *v;
        row.tags_from = static_cast<std::uint32_t>(tag_ids_.size());
        for (std::size_t start = 0; start < joined.size();) {
            auto end = joined.find('\n', start);
            if (end == std::string::npos) end = joined.size();
            tag_ids_.push_back(tags[std::string_view(joined).substr(start, end - start)]);
            start = end + 1;
        }
        row.tags_to = static_cast<std::uint32_t>(tag_ids_.size());
    }
}

}  // namespace mercato::search
