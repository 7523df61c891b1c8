#include <charconv>

#include "modules/catalog/api/catalog.hpp"
#include "modules/catalog/domain/product_rules.hpp"
#include "modules/catalog/domain/tags.hpp"

namespace mercato::catalog {

namespace {

std::optional<std::int64_t> price(std::optional<std::string_view> text, const char* name,
                                  std::vector<kernel::FieldError>& errors) {
    if (!text) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec == std::errc() && end == text->data() + text->size() && value >= 0) return value;
    errors.push_back({name, "must be a whole number of minor units, zero or more"});
    return std::nullopt;
}

}  // namespace

ProductFilter read_product_filter(const std::function<std::optional<std::string_view>(const char* name)>& param,
                                  std::vector<kernel::FieldError>& errors) {
    ProductFilter f;
    if (const auto category = param("category")) {
        f.category = category_slug(std::string(*category));
        if (!f.category) errors.push_back({"category", "is not a category slug"});
    }
    if (const auto tag = param("tag")) {
        f.tag = slugify(*tag, max_tag_length);
        if (!f.tag) errors.push_back({"tag", "is not a tag"});
    }
    f.min_price = price(param("min_price"), "min_price", errors);
    f.max_price = price(param("max_price"), "max_price", errors);
    if (const auto in_stock = param("in_stock")) {
        if (*in_stock == "true") f.in_stock = true;
        else if (*in_stock != "false") errors.push_back({"in_stock", "must be true or false"});
    }
    return f;
}

}  // namespace mercato::catalog
