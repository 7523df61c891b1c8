// The catalog module's events: the topics of its log, keyed by product id (a category's by its slug),
// and what each payload holds.
#pragma once

#include "kernel/bus/event_contract.hpp"

namespace mercato::catalog {

inline constexpr const char* topic_product_updated = "catalog.product-updated";
inline constexpr const char* topic_stock_changed = "catalog.stock-changed";
// An admin made a category with no product in it yet (one made by naming it on a product comes with
// that product's catalog.product-updated).
inline constexpr const char* topic_category_created = "catalog.category-created";

namespace event_fields {

using kernel::bus::EventField;
using enum kernel::bus::FieldKind;
using enum kernel::bus::Presence;

// The product as the API shows it.
inline constexpr EventField product[] = {
    {"id", string},
    {"sku", string},
    {"name", string},
    {"description", string},
    {"price", integer},  // minor units of currency
    {"currency", string},
    {"stock", integer},
    {"category", string, nullable},  // the category's slug
    {"tags", strings},
    {"weight_grams", integer, nullable},  // none: shipping weighs it by its default
    {"rating_avg", number},
    {"rating_count", integer},
    {"created_at", string},
    {"updated_at", string},
};
inline constexpr EventField product_updated[] = {
    {"change", string},  // "created", "changed" or "deleted"
    {"product", object, required, product},
};
inline constexpr EventField stock_changed[] = {
    {"product_id", string},
    {"stock", integer},  // on hand now
    {"delta", integer},  // the change; for "reserved" negative
    {"reason", string},  // "reserved", "released", "adjusted", "returned" or "created"
    {"order_id", string, optional},  // the order that reserved, released or returned it
};
inline constexpr EventField category_created[] = {
    {"slug", string},
    {"name", string},
};

}  // namespace event_fields

inline constexpr kernel::bus::EventContract event_contracts[] = {
    {topic_product_updated, "catalog", event_fields::product_updated},
    {topic_stock_changed, "catalog", event_fields::stock_changed},
    {topic_category_created, "catalog", event_fields::category_created},
};

}  // namespace mercato::catalog
