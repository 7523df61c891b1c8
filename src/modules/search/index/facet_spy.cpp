#include "modules/search/index/facet_spy.hpp"

#include <string_view>

#include "modules/search/index/product_document.hpp"

namespace mercato::search {

void FacetSpy::operator()(const Xapian::Document& doc, double) {
    if (auto category = doc.get_value(category_slot); !category.empty()) ++categories_[std::move(category)];
    const auto tags = doc.get_value(tags_slot);
    for (std::size_t start = 0; start < tags.size();) {
        auto end = tags.find('\n', start);
        if (end == std::string::npos) end = tags.size();
        ++tags_[tags.substr(start, end - start)];
        start = end + 1;
    }
    prices_.push_back(static_cast<std::int64_t>(Xapian::sortable_unserialise(doc.get_value(price_slot))));
}

std::map<std::string, std::int64_t> FacetSpy::categories() const { return {categories_.begin(), categories_.end()}; }
std::map<std::string, std::int64_t> FacetSpy::tags() const { return {tags_.begin(), tags_.end()}; }

}  // namespace mercato::search
