#include "modules/search/index/facet_counts.hpp"

namespace mercato::search {

namespace {

std::map<std::string, std::int64_t> named(const std::vector<std::string>& names, const std::vector<std::int64_t>& counts) {
    std::map<std::string, std::int64_t> out;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] > 0) out.emplace(names[i], counts[i]);
    }
    return out;
}

}  // namespace

FacetCounts::FacetCounts(const ProductTable& table)
    : table_(table), categories_(table.categories().size()), tags_(table.tag_names().size()) {}

void FacetCounts::add(const ProductTable::Row& row) {
    if (row.category != ProductTable::none) ++categories_[row.category];
    for (const auto tag : table_.tags(row)) ++tags_[tag];
    prices_.push_back(row.hit.price);
}

std::map<std::string, std::int64_t> FacetCounts::categories() const { return named(table_.categories(), categories_); }
std::map<std::string, std::int64_t> FacetCounts::tags() const { return named(table_.tag_names(), tags_); }

}  // namespace mercato::search
