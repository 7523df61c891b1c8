// The kinds of request the shop-day load sends, each with the mix's group it belongs to and the one
// status that counts as its success.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace shop_day {

// The mix's groups, in which customers pick their operations.
enum class Group : std::size_t { browsing, search, orders };

inline constexpr std::size_t group_count = 3;
inline constexpr std::array<std::string_view, group_count> group_names{"browsing", "search", "orders"};

enum class Op : std::size_t {
    list,               // GET /v1/products with filters, or the next page of the customer's last listing
    product,            // GET /v1/products/{id}
    reviews,            // GET /v1/products/{id}/reviews
    categories,         // GET /v1/categories
    search,             // GET /v1/search?q= one to three words
    search_faceted,     // GET /v1/search with a word, a category, stock and price filters, a sort
    order,              // POST /v1/orders
    checkout,           // POST /v1/payment/checkout with the card the sandbox accepts
    checkout_declined,  // the same with the card it declines: 402 is the API's answer, so a success here
};

inline constexpr std::size_t op_count = 9;

struct OpInfo {
    std::string_view name;
    Group group;
    int expected_status;
};

inline constexpr std::array<OpInfo, op_count> ops{{
    {"list", Group::browsing, 200},
    {"product", Group::browsing, 200},
    {"reviews", Group::browsing, 200},
    {"categories", Group::browsing, 200},
    {"search", Group::search, 200},
    {"search_faceted", Group::search, 200},
    {"order", Group::orders, 201},
    {"checkout", Group::orders, 201},
    {"checkout_declined", Group::orders, 402},
}};

constexpr const OpInfo& info(Op op) { return ops[static_cast<std::size_t>(op)]; }

}  // namespace shop_day
