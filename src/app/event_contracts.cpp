#include "app/event_contracts.hpp"

#include <algorithm>
#include <array>

#include "modules/catalog/api/events.hpp"
#include "modules/notifications/api/events.hpp"
#include "modules/orders/api/events.hpp"
#include "modules/payments/api/events.hpp"
#include "modules/shipping/api/events.hpp"
#include "modules/users/api/events.hpp"

namespace mercato::app {

namespace {

using kernel::bus::EventContract;

template <std::size_t... N>
constexpr auto joined(const EventContract (&... lists)[N]) {
    std::array<EventContract, (N + ...)> all{};
    auto out = all.begin();
    ((out = std::copy(std::begin(lists), std::end(lists), out)), ...);
    return all;
}

// Analytics and search publish nothing: they only listen.
constexpr auto contracts = joined(users::event_contracts, catalog::event_contracts, orders::event_contracts,
                                  payments::event_contracts, shipping::event_contracts, notifications::event_contracts);

}  // namespace

std::span<const EventContract> all_event_contracts() { return contracts; }

const EventContract* event_contract(std::string_view topic) {
    const auto found = std::find_if(contracts.begin(), contracts.end(), [&](const EventContract& c) { return c.topic == topic; });
    return found == contracts.end() ? nullptr : &*found;
}

}  // namespace mercato::app
