#include "modules/catalog/domain/product_rules.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kernel/currency.hpp"
#include "modules/catalog/domain/tags.hpp"

namespace mercato::catalog {

namespace {

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string at_most(std::size_t n) { return fmt::format("must be at most {} characters", n); }

// Control characters other than tab and line breaks have no place in a shop's text (and PostgreSQL
// text cannot hold NUL at all).
bool has_control(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f; });
}

void text(std::vector<kernel::FieldError>& errors, const char* field, const std::string& value, std::size_t max) {
    if (value.size() > max) errors.push_back({field, at_most(max)});
    else if (has_control(value)) errors.push_back({field, "must not contain control characters"});
}

}  // namespace

std::vector<kernel::FieldError> product_problems(Product& p) {
    std::vector<kernel::FieldError> errors;
    if (p.sku.empty()) {
        errors.push_back({"sku", "is required"});
    } else if (p.sku.size() > max_sku_length) {
        errors.push_back({"sku", at_most(max_sku_length)});
    } else if (std::any_of(p.sku.begin(), p.sku.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
        errors.push_back({"sku", "must not contain spaces or control characters"});
    }
    if (blank(p.name)) errors.push_back({"name", "is required"});
    else text(errors, "name", p.name, max_name_length);
    text(errors, "description", p.description, max_description_length);
    if (p.price < 0) errors.push_back({"price", "must not be negative"});
    else if (p.price > max_price) errors.push_back({"price", fmt::format("must be at most {}", max_price)});
    if (!kernel::is_currency(p.currency)) errors.push_back({"currency", "must be an ISO 4217 currency code such as EUR"});
    if (p.stock < 0) errors.push_back({"stock", "must not be negative"});
    else if (p.stock > max_stock) errors.push_back({"stock", fmt::format("must be at most {}", max_stock)});

    std::vector<std::string> tags;
    for (const auto& tag : p.tags) {
        auto slug = slugify(tag, max_tag_length);
        if (!slug) {
            errors.push_back({"tags", fmt::format("'{}' is not a tag: use letters and digits, at most {} characters",
                                                  tag.substr(0, max_tag_length), max_tag_length)});
            continue;
        }
        if (std::find(tags.begin(), tags.end(), *slug) == tags.end()) tags.push_back(std::move(*slug));
    }
    if (tags.size() > max_tags) errors.push_back({"tags", fmt::format("must be at most {} tags", max_tags)});
    p.tags = std::move(tags);
    if (p.weight_grams && (*p.weight_grams < min_weight_grams || *p.weight_grams > max_weight_grams)) {
        errors.push_back({"weight_grams", fmt::format("must be a whole number of grams from {} to {}", min_weight_grams,
                                                      max_weight_grams)});
    }
    return errors;
}

std::optional<std::string> category_slug(const std::string& text) {
    if (text.size() > max_category_name_length) return std::nullopt;
    return slugify(text, max_slug_length);
}

std::vector<kernel::FieldError> review_problems(int rating, const std::string& comment) {
    std::vector<kernel::FieldError> errors;
    if (rating < 1 || rating > 5) errors.push_back({"rating", "must be a whole number from 1 to 5"});
    text(errors, "comment", comment, max_comment_length);
    return errors;
}

std::vector<kernel::FieldError> adjustment_problems(std::int64_t delta, const std::string& reason) {
    std::vector<kernel::FieldError> errors;
    if (delta == 0) errors.push_back({"delta", "must not be zero"});
    else if (delta > max_stock || delta < -max_stock) errors.push_back({"delta", fmt::format("must be within ±{}", max_stock)});
    if (blank(reason)) errors.push_back({"reason", "is required"});
    else text(errors, "reason", reason, max_reason_length);
    return errors;
}

}  // namespace mercato::catalog
