#include "modules/search/index/indexed_product.hpp"

#include <nlohmann/json.hpp>

namespace mercato::search {

IndexedProduct indexed_product(const catalog::Product& p) {
    return {p.id, p.name, p.description, p.price, p.currency, p.stock, p.category, p.tags};
}

IndexedProduct indexed_product(const nlohmann::json& j) {
    IndexedProduct p;
    p.id = j.at("id").get<std::string>();
    p.name = j.at("name").get<std::string>();
    p.description = j.value("description", "");
    p.price = j.at("price").get<std::int64_t>();
    p.currency = j.at("currency").get<std::string>();
    p.stock = j.at("stock").get<std::int64_t>();
    if (const auto c = j.find("category"); c != j.end() && !c->is_null()) p.category = c->get<std::string>();
    if (const auto t = j.find("tags"); t != j.end()) p.tags = t->get<std::vector<std::string>>();
    return p;
}

std::string encode(const IndexedProduct& p) {
    return nlohmann::json{{"id", p.id},
                          {"name", p.name},
                          {"description", p.description},
                          {"price", p.price},
                          {"currency", p.currency},
                          {"stock", p.stock},
                          {"category", p.category ? nlohmann::json(*p.category) : nlohmann::json(nullptr)},
                          {"tags", p.tags}}
        .dump();
}

IndexedProduct decode_indexed_product(std::string_view data) { return indexed_product(nlohmann::json::parse(data)); }

}  // namespace mercato::search
