// Every topic a module publishes, with its payload's contract, gathered from the modules' api/events.hpp.
#pragma once

#include <span>
#include <string_view>

#include "kernel/bus/event_contract.hpp"

namespace mercato::app {

std::span<const kernel::bus::EventContract> all_event_contracts();

// The contract of topic, or nullptr when no module publishes it.
const kernel::bus::EventContract* event_contract(std::string_view topic);

}  // namespace mercato::app
