// Counts the facets of a whole match set while Xapian runs the match: products per category and
// per tag, and the prices the price ranges are drawn from.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

namespace mercato::search {

class FacetSpy : public Xapian::MatchSpy {
public:
    void operator()(const Xapian::Document& doc, double weight) override;
    std::string name() const override { return "mercato.FacetSpy"; }

    std::map<std::string, std::int64_t> categories() const;
    std::map<std::string, std::int64_t> tags() const;
    const std::vector<std::int64_t>& prices() const { return prices_; }

private:
    std::unordered_map<std::string, std::int64_t> categories_;
    std::unordered_map<std::string, std::int64_t> tags_;
    std::vector<std::int64_t> prices_;
};

}  // namespace mercato::search
