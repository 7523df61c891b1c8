#include "modules/orders/domain/order_json.hpp"

#include <nlohmann/json.hpp>

namespace mercato::orders {

nlohmann::json address_json(const Address& a) {
    nlohmann::json out{{"name", a.name}, {"line1", a.line1}, {"city", a.city}, {"postal_code", a.postal_code}, {"country", a.country}};
    if (!a.line2.empty()) out["line2"] = a.line2;
    return out;
}

Address address_from_json(const nlohmann::json& j) {
    return {j.at("name").get<std::string>(), j.at("line1").get<std::string>(), j.value("line2", std::string()),
            j.at("city").get<std::string>(), j.at("postal_code").get<std::string>(), j.at("country").get<std::string>()};
}

nlohmann::json lines_json(const std::vector<LineRequest>& lines) {
    auto out = nlohmann::json::array();
    for (const auto& l : lines) out.push_back({{"product_id", l.product_id}, {"quantity", l.quantity}});
    return out;
}

std::vector<LineRequest> lines_from_json(const nlohmann::json& j) {
    std::vector<LineRequest> out;
    for (const auto& l : j) out.push_back({l.at("product_id").get<std::string>(), l.at("quantity").get<std::int64_t>()});
    return out;
}

nlohmann::json order_json(const Order& o) {
    auto items = nlohmann::json::array();
    for (const auto& l : o.items) {
        items.push_back({{"product_id", l.product_id}, {"sku", l.sku}, {"name", l.name}, {"quantity", l.quantity},
                         {"unit_price", l.unit_price}});
    }
    auto history = nlohmann::json::array();
    for (const auto& h : o.history) history.push_back({{"status", h.status}, {"at", h.at}});
    return {{"id", o.id},
            {"user_id", o.user_id},
            {"status", o.status},
            {"items", std::move(items)},
            {"subtotal", o.subtotal},
            {"shipping_cost", o.shipping_cost},
            {"total", o.total},
            {"currency", o.currency},
            {"shipping_address", address_json(o.shipping_address)},
            {"shipping_option", o.shipping_option ? nlohmann::json(*o.shipping_option) : nlohmann::json(nullptr)},
            {"pay_by", o.pay_by},
            {"created_at", o.created_at},
            {"updated_at", o.updated_at},
            {"history", std::move(history)}};
}

nlohmann::json return_json(const ReturnRequest& r) {
    return {{"id", r.id},         {"order_id", r.order_id},       {"user_id", r.user_id},
            {"status", r.status}, {"items", lines_json(r.items)}, {"reason", r.reason},
            {"created_at", r.created_at}, {"updated_at", r.updated_at}};
}

}  // namespace mercato::orders
