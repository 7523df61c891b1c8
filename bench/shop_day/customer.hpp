// One simulated customer of the shop-day load: a signed-in user on a connection of its own who picks
// each next operation by the mix's weights (browsing 70%, search 20%, orders and payments 10%) and
// times every request it sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "http_client.hpp"
#include "operations.hpp"
#include "shop_catalog.hpp"
#include "tally.hpp"

namespace shop_day {

class Customer {
public:
    Customer(int port, std::string token, const ShopCatalog& catalog, std::uint64_t seed);

    // Before the load, not timed: reviews `count` random products (one review per customer and product,
    // so run it once per shop). Returns the reviews that were refused.
    int review_products(int count);
    // Runs the mix until `end`; the operation under way then is finished.
    void shop_until(std::chrono::steady_clock::time_point end);

    Tally& tally() { return tally_; }

private:
    void browse_list();
    void view_product();
    void read_reviews();
    void view_categories();
    void search();
    void search_faceted();
    void purchase();

    Answer timed(Op op, std::string_view method, const std::string& target, std::string_view json = {});
    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
    template <class Items>
    const auto& pick(const Items& items) {
        return items[below(items.size())];
    }
    std::string price_filter();

    Connection connection_;
    std::string token_;
    const ShopCatalog& catalog_;
    std::mt19937_64 rng_;
    Tally tally_;
    std::string list_filters_;  // the query of the customer's last listing, for its next page
    std::string next_page_;     // that listing's next page, empty when it had none
};

}  // namespace shop_day
