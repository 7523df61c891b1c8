#include "modules/orders/domain/lifecycle.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "modules/orders/api/orders.hpp"

namespace mercato::orders {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 5> moves{{
    {status_pending, status_processing},
    {status_processing, status_shipped},
    {status_shipped, status_delivered},
    {status_delivered, status_returned},
    {status_pending, status_cancelled},
}};

}  // namespace

bool is_status(std::string_view status) {
    for (const std::string_view s : {status_pending, status_processing, status_shipped, status_delivered, status_cancelled,
                                     status_returned}) {
        if (s == status) return true;
    }
    return false;
}

bool may_move(std::string_view from, std::string_view to) {
    for (const auto& [a, b] : moves) {
        if (a == from && b == to) return true;
    }
    return false;
}

std::string fold_status(const std::vector<OrderEvent>& events) {
    std::string status;
    for (const auto& e : events) {
        const bool valid = status.empty() ? e.status == status_pending : may_move(status, e.status);
        if (!valid) throw std::logic_error("an order's stored history breaks its lifecycle at " + e.status);
        status = e.status;
    }
    return status;
}

}  // namespace mercato::orders
