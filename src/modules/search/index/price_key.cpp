#include "modules/search/index/price_key.hpp"

namespace mercato::search {

std::string PriceKey::operator()(const Xapian::Document& doc) const {
    const auto* row = table_.row(doc.get_docid());
    return row ? Xapian::sortable_serialise(static_cast<double>(row->hit.price)) : std::string();
}

}  // namespace mercato::search
