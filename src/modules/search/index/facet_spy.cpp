#include "modules/search/index/facet_spy.hpp"

namespace mercato::search {

void FacetSpy::operator()(const Xapian::Document& doc, double) {
    if (const auto* row = table_.row(doc.get_docid())) counts_.add(*row);
}

}  // namespace mercato::search
