#include "e2e/order_stream.hpp"

#include <chrono>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "support/shop_server.hpp"

namespace mercato::test {

using nlohmann::json;

namespace {

json card(bool declined) {
    return {{"number", declined ? "4000000000000002" : "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2099}, {"cvc", "123"}};
}

}  // namespace

OrderStream::OrderStream(ServedShop& shop, std::vector<Headers> customers, std::vector<std::string> products)
    : shop_(shop), customers_(std::move(customers)), products_(std::move(products)) {
    for (std::size_t i = 0; i < customers_.size(); ++i) threads_.emplace_back([this, i] { customer(i); });
}

OrderStream::~OrderStream() { stop(); }

void OrderStream::stop() {
    stopping_ = true;
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

Ledger OrderStream::ledger() const {
    std::lock_guard lock(mutex_);
    return ledger_;
}

void OrderStream::record_order(const std::string& id, const AckedOrder& order) {
    std::lock_guard lock(mutex_);
    ledger_.orders.emplace(id, order);
    ++acknowledged_;
}

void OrderStream::customer(std::size_t index) {
    std::mt19937 random(static_cast<unsigned>(index) * 7919u + 17u);
    std::optional<HttpClient> c;
    const auto& who = customers_[index];
    const auto note = [&](auto&& change) {
        std::lock_guard lock(mutex_);
        change(ledger_);
    };
    // A server that is down or refusing is not hammered: the customer waits a moment, as a browser would.
    const auto refused = [&] {
        note([](Ledger& l) { ++l.failed_requests; });
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    };
    while (!stopping_) {
        try {
            if (!c) c.emplace(shop_.port());
            AckedOrder wanted;
            const std::size_t lines = 1 + random() % 2;
            for (std::size_t i = 0; i < lines; ++i) wanted.quantities[products_[random() % products_.size()]] = 1 + random() % 3;
            json items = json::array();
            for (const auto& [product, quantity] : wanted.quantities) items.push_back({{"product_id", product}, {"quantity", quantity}});
            json body = ShopServer::cart(products_.front(), 1);
            body["items"] = items;

            const auto placed = ShopServer::send(*c, "POST", "/v1/orders", body, who);
            if (placed.status == 409) continue;  // sold out: nothing acknowledged, nothing to check
            if (placed.status >= 500) {
                refused();
                continue;
            }
            if (placed.status != 201) {
                note([&](Ledger& l) { l.unexpected.push_back("order: " + std::to_string(placed.status) + " " + placed.body); });
                continue;
            }
            const auto order_id = placed.json()["id"].get<std::string>();
            record_order(order_id, wanted);

            const bool declined = random() % 10 == 0;
            const auto paid = ShopServer::send(
                *c, "POST", "/v1/payment/checkout", {{"order_id", order_id}, {"method", "card"}, {"card", card(declined)}}, who);
            if (paid.status >= 500) {
                refused();
                continue;
            }
            note([&](Ledger& l) {
                if (paid.status == 201 && !declined) l.paid_orders.insert(order_id);
                else if (paid.status == 402 && declined) ++l.declined;
                else l.unexpected.push_back("checkout: " + std::to_string(paid.status) + " " + paid.body);
            });
        } catch (const std::exception&) {
            // The connection broke: the server died or is restarting. Whatever was in flight was not acknowledged.
            c.reset();
            refused();
        }
    }
}

}  // namespace mercato::test
