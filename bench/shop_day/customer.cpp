// The shop-day customer's operations and the mix that picks them.
#include "customer.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "query.hpp"

namespace shop_day {

namespace {

struct Step {
    int weight;  // out of the weights' sum, 100
    Group group;
    void (Customer::*run)();
};

constexpr std::string_view accepted_card = R"({"number":"4242424242424242","exp_month":12,"exp_year":2099,"cvc":"123"})";
constexpr std::string_view declined_card = R"({"number":"4000000000000002","exp_month":12,"exp_year":2099,"cvc":"123"})";
constexpr double declined_share = 0.1;  // checkouts tried first with the declined card, then paid with the good one

constexpr std::array<std::string_view, 4> list_sorts{"price", "-price", "name", "-created_at"};
constexpr std::array<std::string_view, 3> search_sorts{"relevance", "price", "-price"};
constexpr std::array<std::string_view, 4> review_comments{
    "Does what it says.", "Good value for the price.", "Arrived quickly, well packed.", "Would buy again."};

// The first errors are worth reading; after these, only their count.
constexpr int errors_shown = 20;
std::atomic<int> errors_printed{0};

void show_error(Op op, std::string_view method, const std::string& target, const Answer& answer,
                const Connection& connection) {
    if (errors_printed.fetch_add(1) >= errors_shown) return;
    fmt::print(stderr, "error: {} {} {} (expected {}): {} {:.300}\n", info(op).name, method, target,
               info(op).expected_status, answer.status, answer.status ? answer.body : connection.error());
}

// The id of an order or payment the server answered, empty when the body has none.
std::string id_of(const std::string& body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    return json.is_object() && json.contains("id") && json["id"].is_string() ? json["id"].get<std::string>() : "";
}

}  // namespace

Customer::Customer(int port, std::string token, const ShopCatalog& catalog, std::uint64_t seed)
    : connection_(port), token_(std::move(token)), catalog_(catalog), rng_(seed) {}

Answer Customer::timed(Op op, std::string_view method, const std::string& target, std::string_view json) {
    const auto started = std::chrono::steady_clock::now();
    auto answer = connection_.send(method, target, token_, json);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    const auto kind = static_cast<std::size_t>(op);
    tally_.micros[kind].push_back(static_cast<std::uint32_t>(micros.count()));
    if (answer.status != info(op).expected_status) {
        ++tally_.errors[kind];
        show_error(op, method, target, answer, connection_);
    }
    return answer;
}

std::string Customer::price_filter() {
    // Demo prices run from 7.99 to 449.99; these bands hold from a few dozen products to most of them.
    static constexpr std::array<std::pair<int, int>, 4> bands{{{0, 2500}, {2000, 6000}, {5000, 15000}, {10000, 50000}}};
    const auto& [from, to] = pick(bands);
    return fmt::format("&min_price={}&max_price={}", from, to);
}

void Customer::browse_list() {
    std::string target;
    if (!next_page_.empty() && chance(0.5)) {
        target = std::move(next_page_);
    } else {
        list_filters_ = "/v1/products?limit=20";
        if (chance(0.5)) list_filters_ += "&category=" + pick(catalog_.categories);
        if (chance(0.2)) list_filters_ += "&tag=" + url_encode(pick(catalog_.tags));
        if (chance(0.3)) list_filters_ += "&in_stock=true";
        if (chance(0.3)) list_filters_ += price_filter();
        if (chance(0.5)) list_filters_ += fmt::format("&sort={}", pick(list_sorts));
        target = list_filters_;
    }
    const auto answer = timed(Op::list, "GET", target);
    // The cursor is opaque text of the server's; a JSON string without escapes in practice, read
    // without parsing the page, so the driver spends its CPU on sending.
    next_page_.clear();
    constexpr std::string_view key = R"("next_cursor":")";
    if (const auto at = answer.body.find(key); answer.status == 200 && at != std::string::npos) {
        const auto from = at + key.size();
        const auto to = answer.body.find('"', from);
        if (to != std::string::npos) next_page_ = list_filters_ + "&cursor=" + url_encode(answer.body.substr(from, to - from));
    }
}

void Customer::view_product() { timed(Op::product, "GET", "/v1/products/" + pick(catalog_.product_ids)); }

void Customer::read_reviews() { timed(Op::reviews, "GET", "/v1/products/" + pick(catalog_.product_ids) + "/reviews"); }

void Customer::view_categories() { timed(Op::categories, "GET", "/v1/categories"); }

void Customer::search() {
    std::string target = "/v1/search?q=" + pick(catalog_.words);
    for (auto more = below(3); more > 0; --more) target += "+" + pick(catalog_.words);
    timed(Op::search, "GET", target);
}

void Customer::search_faceted() {
    std::string target = "/v1/search?q=" + pick(catalog_.words);
    if (chance(0.7)) target += "&category=" + pick(catalog_.categories);
    if (chance(0.5)) target += "&in_stock=true";
    if (chance(0.7)) target += price_filter();
    target += fmt::format("&sort={}", pick(search_sorts));
    timed(Op::search_faceted, "GET", target);
}

void Customer::purchase() {
    const auto& first = pick(catalog_.product_ids);
    std::string items = fmt::format(R"({{"product_id":"{}","quantity":{}}})", first, 1 + below(2));
    if (const auto& second = pick(catalog_.product_ids); chance(0.5) && second != first) {
        items += fmt::format(R"(,{{"product_id":"{}","quantity":{}}})", second, 1 + below(2));
    }
    const auto order = timed(Op::order, "POST", "/v1/orders",
                             fmt::format(R"({{"items":[{}],"shipping_address":{{"name":"Shop Day Buyer",)"
                                         R"("line1":"1 Main St","city":"Berlin","postal_code":"10115","country":"DE"}}}})",
                                         items));
    if (order.status != 201) return;
    const auto order_id = id_of(order.body);
    if (order_id.empty()) {
        ++tally_.errors[static_cast<std::size_t>(Op::order)];
        fmt::print(stderr, "error: order: a 201 without an order id: {:.300}\n", order.body);
        return;
    }
    const auto checkout = [&](Op op, std::string_view card) {
        timed(op, "POST", "/v1/payment/checkout",
              fmt::format(R"({{"order_id":"{}","method":"card","card":{}}})", order_id, card));
    };
    // A declined card leaves the order pending, so the customer pays it again with another.
    if (chance(declined_share)) checkout(Op::checkout_declined, declined_card);
    checkout(Op::checkout, accepted_card);
}

int Customer::review_products(int count) {
    std::vector<std::string> products = catalog_.product_ids;
    std::shuffle(products.begin(), products.end(), rng_);
    int refused = 0;
    for (int i = 0; i < count && i < static_cast<int>(products.size()); ++i) {
        const auto body = fmt::format(R"({{"rating":{},"comment":"{}"}})", 1 + below(5), pick(review_comments));
        const auto target = "/v1/products/" + products[i] + "/reviews";
        const auto answer = connection_.send("POST", target, token_, body);
        if (answer.status != 201) {
            ++refused;
            fmt::print(stderr, "error: POST {} answered {} {:.300}\n", target, answer.status,
                       answer.status ? answer.body : connection_.error());
        }
    }
    return refused;
}

void Customer::shop_until(std::chrono::steady_clock::time_point end) {
    // Browsing 70 (listing pages most, then product pages, then reviews and the category menu), search
    // 20, orders and payments 10, as issue 12 sets the mix.
    static constexpr std::array<Step, 7> mix{{
        {30, Group::browsing, &Customer::browse_list},
        {25, Group::browsing, &Customer::view_product},
        {10, Group::browsing, &Customer::read_reviews},
        {5, Group::browsing, &Customer::view_categories},
        {12, Group::search, &Customer::search},
        {8, Group::search, &Customer::search_faceted},
        {10, Group::orders, &Customer::purchase},
    }};
    while (std::chrono::steady_clock::now() < end) {
        auto roll = static_cast<int>(below(100));
        for (const auto& step : mix) {
            if (roll < step.weight) {
                (this->*step.run)();
                ++tally_.operations[static_cast<std::size_t>(step.group)];
                break;
            }
            roll -= step.weight;
        }
    }
}

}  // namespace shop_day
