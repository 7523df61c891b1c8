// Counts the facets of a whole match set while Xapian runs the match, from the revision's product
// table: for searches whose match set is too large to keep (see MatchCache).
#pragma once

#include <string>

#include <xapian.h>

#include "modules/search/index/facet_counts.hpp"

namespace mercato::search {

class FacetSpy : public Xapian::MatchSpy {
public:
    // table: of the revision the match runs on; it must outlive the spy.
    explicit FacetSpy(const ProductTable& table) : table_(table), counts_(table) {}
    void operator()(const Xapian::Document& doc, double weight) override;
    std::string name() const override { return "mercato.FacetSpy"; }

    const FacetCounts& counts() const { return counts_; }

private:
    const ProductTable& table_;
    FacetCounts counts_;
};

}  // namespace mercato::search
