#include "app/module_settings.hpp"

namespace mercato::app {

const std::set<std::string, std::less<>>& module_sections() {
    static const std::set<std::string, std::less<>> sections = {"users",         "catalog",   "orders", "payments",
                                                                "shipping",      "analytics", "search", "notifications"};
    return sections;
}

ModuleSettings read_module_settings(const kernel::Config& config) {
    for (const auto& [name, section] : config.module_sections) {
        if (!module_sections().contains(name)) throw kernel::ConfigError("unknown setting '" + name + "'");
    }
    return {
        users::read_users_settings(config.section("users")),
        catalog::read_catalog_settings(config.section("catalog")),
        orders::read_orders_settings(config.section("orders")),
        payments::read_payments_settings(config.section("payments")),
        shipping::read_shipping_settings(config.section("shipping")),
        notifications::read_notifications_settings(config.section("notifications")),
        analytics::read_analytics_settings(config.section("analytics")),
        search::read_search_settings(config.section("search")),
    };
}

}  // namespace mercato::app
